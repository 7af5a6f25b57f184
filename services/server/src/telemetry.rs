//! Logging and tracing. Every span and event carries ids and counts only: personal numbers never
//! reach a log line or a trace (request messages are never recorded, and store errors are logged by
//! kind, not text).
//!
//! When `OTEL_EXPORTER_OTLP_ENDPOINT` is set, spans are also exported over OTLP/gRPC, and each RPC's
//! span continues the caller's W3C trace context (`traceparent` metadata).

use std::io::IsTerminal;

use opentelemetry::{
    propagation::{Extractor, TextMapPropagator},
    trace::TracerProvider as _,
};
use opentelemetry_sdk::{propagation::TraceContextPropagator, trace::SdkTracerProvider};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

use crate::config::LogFormat;

/// Keeps the OTLP exporter alive; dropping it after shutdown flushes pending spans.
#[derive(Debug, Default)]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl TelemetryGuard {
    /// Flushes and stops the exporter.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "could not flush traces on shutdown");
        }
    }
}

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` level. Safe to call twice
/// (tests boot several servers in one process): later calls keep the first subscriber.
pub fn init(format: LogFormat) -> TelemetryGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let log_layer = match format {
        LogFormat::Json => fmt::layer().json().flatten_event(true).boxed(),
        // Colours only on a terminal: escape codes in a file or a log collector are noise.
        LogFormat::Text => fmt::layer().with_ansi(std::io::stdout().is_terminal()).boxed(),
    };
    let provider = otlp_provider();
    let otel_layer = provider
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("allmenn-server")));
    let installed = tracing_subscriber::registry().with(filter).with(log_layer).with(otel_layer).try_init();
    if installed.is_ok() && provider.is_some() {
        tracing::info!("exporting traces over OTLP");
    }
    TelemetryGuard { provider }
}

fn otlp_provider() -> Option<SdkTracerProvider> {
    std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT")?;
    // The exporter reads the endpoint and headers from the standard OTEL_* variables.
    let exporter = match opentelemetry_otlp::SpanExporter::builder().with_tonic().build() {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("warning: OTLP exporter not started: {error}");
            return None;
        }
    };
    Some(SdkTracerProvider::builder().with_batch_exporter(exporter).build())
}

struct MetadataExtractor<'a>(&'a http::HeaderMap);

impl Extractor for MetadataExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// The span of one RPC: its method, continuing the caller's W3C trace context. No message content.
pub fn rpc_span(request: &http::Request<()>) -> tracing::Span {
    let span = tracing::info_span!("rpc", rpc.method = %request.uri().path());
    let parent = TraceContextPropagator::new().extract(&MetadataExtractor(request.headers()));
    let _ = span.set_parent(parent);
    span
}
