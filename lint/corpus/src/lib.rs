//! The checker's corpus: raw tonic services and clients in the shapes real code
//! has, each line the checker must report marked with its rule after `//~`, and
//! clean files that must produce nothing. Never compiled: the checker reads sources as written.

mod allow_without_reason;
mod allowed_with_reason;
mod async_stream_producer;
mod bidi_echo_raw;
mod clones_into_tasks;
mod discards_in_other_words;
mod dotdot_without_attribute;
mod forgotten_sender;
mod grpc_go_style_producer;
mod health_like;
mod interceptor;
mod internal_channel;
mod mpsc_producer;
mod nested_modules;
mod plain_tasks;
mod raw_streaming_param;
mod reader_returns_first;
mod reads_in_loop_then_breaks;
mod reads_kept_and_timed;
mod reads_to_the_end;
mod reads_until_found;
mod rwlock_streaming;
mod send_failure_logged;
mod session_client;
mod session_helpers;
mod session_service;
mod session_spawned_sender;
mod shared_request_stream;
mod spawned_uploader;
mod std_ranges;
mod streams_by_extension;
mod unary_only;
mod unbounded_feed;
#[path = "more/by_path.rs"]
mod by_path;
