//! Reached through `#[path = ".."]`: a raw reader of a response stream.
pub async fn latest(mut client: PricesClient<Channel>) -> Result<Option<Quote>, Status> {
    let mut quotes = client.quotes(Request::new(all())).await?.into_inner();
    Ok(quotes.message().await?) //~ unannotated_client
} //~ undrained_receiver
