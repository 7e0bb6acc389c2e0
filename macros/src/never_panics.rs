//! The attributes never panic: generated bad inputs, thousands of them, through the
//! expansion functions (proc_macro2 entry points, no compiler needed).
//!
//! Inputs: the example impls and client functions, deeply truncated at random
//! points, with tokens swapped, deleted or inserted (receivers, generics, `async`,
//! attributes, nested impls, odd patterns), plus rule violations whose rejection is
//! certain. The oracle: no panic, ever; where syn cannot parse the input as the item
//! the attribute takes, or the input is a certain violation, the output carries an
//! error (a `compile_error!` or a rule error). `TONIC_SESSION_FUZZ_CASES` sets the number of cases (default
//! 10,000, a few seconds); `TONIC_SESSION_FUZZ_SEED` the seed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::{Group, TokenStream, TokenTree};

const SERVICE: &str = "impl GreetingService for Greeter {
    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(greet(&request.into_inner().name)))
    }
    async fn hello_server_stream(&self, request: Request<HelloRequest>, mut tx: Sender<HelloResponse>) -> Result<Finished, Status> {
        tx.with_headers(|headers| headers.insert(\"x\", 3.into()));
        for i in 1..=3 { tx.send(greet(&format!(\"{i}\"))).await?; }
        let task = tokio::spawn(async move { tx.send(m).await?; Ok(tx.finish()) });
        task.await.map_err(|e| Status::internal(e.to_string()))?
    }
    async fn hello_client_stream(&self, request: Request<Receiver<HelloRequest>>) -> Result<Response<HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut names = Vec::new();
        while let Some(request) = rx.message().await? { names.push(request.name); }
        Ok(Response::new(greet(&names.join(\", \"))))
    }
    #[tonic_session(stream_type = HelloBiStreamsStream)]
    async fn hello_bi_streams(&self, request: Request<Receiver<HelloRequest>>, mut tx: Sender<HelloResponse>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        loop { match rx.message().await? { Some(r) => tx.send(greet(&r.name)).await?, None => break } }
        tokio::select! { () = tx.closed() => {}, else => {} }
        Ok(tx.finish())
    }
}";

const CLIENT: &str = "async fn run(mut client: Client, flag: bool) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(.., |r| r.set_timeout(d)).await?;
    let mut up = client.hello_client_stream(..).await?;
    #[tonic_session::allow(undrained_receiver, reason = \"a probe\")]
    let watch = client.hello_server_stream(req).await?;
    let sending = tokio::spawn(async move { tx.send(m).await?; Ok::<_, Status>(tx.finish()) });
    'outer: while let Some(m) = rx.message().await? { if flag { break 'outer; } up.send(m).await?; }
    let (a, b) = tokio::join!(async { rx.finish().await }, async { up.finish().await });
    let _ = std::mem::forget(watch);
    sending.await.map_err(|e| Status::internal(e.to_string()))??;
    Ok(())
}";

/// Certain violations, as (attribute, input): each must be rejected.
const VIOLATIONS: &[(Attr, &str)] = &[
    (
        Attr::Service,
        "impl S for G { async fn w(&mut self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { async fn w(self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { fn w(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { async fn w<T>(&self, r: Request<T>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { async fn w(&self, r: Request<A>, tx: Sender) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { async fn w(&self, r: Request<A>, tx: Sender<B>) {} }",
    ),
    (
        Attr::Service,
        "impl G { async fn w(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { async fn w(&self, r: Request<Streaming<A>>) -> Result<Response<B>, Status> { todo!() } }",
    ),
    (
        Attr::Service,
        "impl S for G { type WStream = X; async fn w(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { #[tonic_session(nope)] async fn w(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) } }",
    ),
    (
        Attr::Service,
        "impl S for G { #[tonic_session::allow(raw_stream)] async fn w(&self, r: Request<A>) -> Result<Response<B>, Status> { todo!() } }",
    ),
    (Attr::Service, "struct G;"),
    (Attr::Client, "struct C;"),
    (Attr::Client, "async fn f(s: Streaming<A>) {}"),
    (Attr::Allow, "#[tonic_session::client] async fn f() {}"),
    (
        Attr::Allow,
        "#[doc = \"d\"] #[tonic_session::service] impl S for G {}",
    ),
    (
        Attr::Client,
        "#[tonic_session::allow(unknown_rule, reason = \"x\")] async fn f() {}",
    ),
    (
        Attr::Client,
        "async fn f() { #[tonic_session::allow(detached_half)] let x = 1; }",
    ),
    (
        Attr::Client,
        "impl C { #[tonic_session::allow(reason = \"\")] async fn f() {} }",
    ),
];

#[derive(Clone, Copy, Debug)]
enum Attr {
    Service,
    Client,
    /// `#[tonic_session::allow(unannotated_client, reason = "r")]`, standing alone.
    Allow,
}

impl Attr {
    fn expand(self, input: TokenStream) -> TokenStream {
        match self {
            Attr::Service => crate::service::expand(TokenStream::new(), input),
            Attr::Client => crate::client::expand(TokenStream::new(), input),
            Attr::Allow => {
                let args = "unannotated_client, reason = \"r\""
                    .parse()
                    .unwrap_or_default();
                crate::allow::standalone(args, input)
            }
        }
    }

    /// Whether syn reads `input` as the item the attribute takes.
    fn parses(self, input: &TokenStream) -> bool {
        match self {
            Attr::Service => syn::parse2::<syn::ItemImpl>(input.clone()).is_ok(),
            Attr::Client => syn::parse2::<syn::Item>(input.clone()).is_ok(),
            // An allow on raw code keeps the item as written: rustc judges it.
            Attr::Allow => true,
        }
    }
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens dropped into random places.
const ODD: &[&str] = &[
    "&mut self",
    "self",
    "<T>",
    "where T: Clone",
    "async",
    "move",
    "'a",
    ":",
    ";",
    "..",
    "?",
    "#[tonic_session::allow(concurrent_send, reason = \"r\")]",
    "#[tonic_session(stream_type = X)]",
    "#[doc = \"d\"]",
    "impl X for Y {}",
    "fn nested() {}",
    "Sender<T>",
    "Receiver",
    "(a, b)",
    "|x| x",
    "async move {}",
    "tokio::spawn(async move { tx })",
    "std::mem::forget(rx)",
    "_",
    "let _ = tx.send(m).await;",
    "return",
    "break 'outer",
    "Streaming<u8>",
    "=>",
    "mut",
];

/// One mutation of `tokens`, at a random depth.
fn mutate(tokens: TokenStream, rng: &mut Rng) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    let groups: Vec<usize> = (0..trees.len())
        .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
        .collect();
    // Descend into a group half the time.
    if !groups.is_empty() && rng.below(2) == 0 {
        let at = groups[rng.below(groups.len())];
        if let TokenTree::Group(group) = &trees[at] {
            let inner = mutate(group.stream(), rng);
            let mut replaced = Group::new(group.delimiter(), inner);
            replaced.set_span(group.span());
            trees[at] = TokenTree::Group(replaced);
        }
        return trees.into_iter().collect();
    }
    match rng.below(4) {
        // Truncate here (the enclosing groups stay closed: a deep truncation).
        0 => trees.truncate(rng.below(trees.len() + 1)),
        // Swap two tokens.
        1 if trees.len() > 1 => {
            let (a, b) = (rng.below(trees.len()), rng.below(trees.len()));
            trees.swap(a, b);
        }
        // Delete one.
        2 if !trees.is_empty() => {
            trees.remove(rng.below(trees.len()));
        }
        // Insert something odd.
        _ => {
            let odd: TokenStream = ODD[rng.below(ODD.len())].parse().unwrap_or_default();
            let at = rng.below(trees.len() + 1);
            trees.splice(at..at, odd);
        }
    }
    trees.into_iter().collect()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Expands `input`; what went wrong, if anything.
fn expand_checked(
    attr: Attr,
    input: &TokenStream,
    must_reject: bool,
    case: u64,
) -> Result<(), String> {
    let expanded = catch_unwind(AssertUnwindSafe(|| attr.expand(input.clone())));
    let Ok(output) = expanded else {
        return Err(format!("case {case}: #[{attr:?}] panicked on: {input}"));
    };
    let rejected = crate::errors::rejects(&output.to_string());
    if (must_reject || !attr.parses(input)) && !rejected {
        return Err(format!(
            "case {case}: #[{attr:?}] accepted without an error: {input}\n=> {output}"
        ));
    }
    Ok(())
}

#[test]
fn generated_bad_inputs_get_errors_never_panics() {
    let cases = env_number("TONIC_SESSION_FUZZ_CASES", 10_000);
    let mut rng = Rng(env_number("TONIC_SESSION_FUZZ_SEED", 0x5eed_1234_abcd_0001) | 1);
    let seeds = [
        (
            Attr::Service,
            SERVICE.parse::<TokenStream>().expect("tokenizes"),
        ),
        (
            Attr::Client,
            CLIENT.parse::<TokenStream>().expect("tokenizes"),
        ),
        (
            Attr::Client,
            format!(
                "impl Greeter {{ {} }}",
                CLIENT.replace("(mut client: Client,", "(&mut self, mut client: Client,")
            )
            .parse()
            .expect("tokenizes"),
        ),
        (
            Attr::Allow,
            format!("#[tonic_session::client] {CLIENT}")
                .parse()
                .expect("tokenizes"),
        ),
    ];
    // Silence the default hook: a panic is reported by the assertion, with its input.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut rejected_by_syn = 0;
    let mut failure = None;
    for case in 0..cases {
        let (attr, seed) = &seeds[rng.below(seeds.len())];
        let mut input = seed.clone();
        for _ in 0..=rng.below(3) {
            input = mutate(input, &mut rng);
        }
        if !attr.parses(&input) {
            rejected_by_syn += 1;
        }
        if let Err(err) = expand_checked(*attr, &input, false, case) {
            failure = Some(err);
            break;
        }
    }
    for (case, (attr, input)) in VIOLATIONS.iter().enumerate() {
        let Ok(input) = input.parse::<TokenStream>() else {
            failure = Some(format!("violation {case} does not tokenize"));
            break;
        };
        if failure.is_none()
            && let Err(err) = expand_checked(*attr, &input, true, case as u64)
        {
            failure = Some(err);
        }
    }
    std::panic::set_hook(hook);
    if let Some(failure) = failure {
        panic!("{failure}");
    }
    // The generator must mostly make broken inputs, or it tests little.
    assert!(
        rejected_by_syn * 3 > cases,
        "only {rejected_by_syn} of {cases} inputs were malformed"
    );
}
