//! Raw services in an inline module, and a client in a method of a plain impl.
pub mod raw {
    use tonic::{Request, Response, Status, Streaming};

    pub struct Sink;

    #[tonic::async_trait]
    impl Collector for Sink { //~ unannotated_service
        async fn collect(&self, request: Request<Streaming<Sample>>) -> Result<Response<Total>, Status> {
            let mut samples = request.into_inner();
            let mut total = 0;
            while let Some(sample) = samples.message().await? {
                total += sample.value;
            }
            Ok(Response::new(Total { total }))
        }
    }
}

pub struct Monitor {
    client: CollectorClient<tonic::transport::Channel>,
}

impl Monitor {
    pub async fn watch(&mut self) -> Result<(), tonic::Status> {
        let mut events = self.client.watch(tonic::Request::new(all())).await?.into_inner();
        while let Some(event) = events.message().await? { //~ unannotated_client
            log(event);
        }
        Ok(())
    }

    pub fn take(&mut self, stream: tonic::Streaming<Event>) -> usize { //~ unannotated_client
        drop(stream);
        0
    }
}
