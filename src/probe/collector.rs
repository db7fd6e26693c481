//! Probing a service whose spans go through a collector of the project: the canary goes to the
//! collector's receiver where this machine can reach it (the port the collector publishes),
//! and the key checked is the one the collector's exporter sends to Honeycomb, in that
//! exporter's region (DESIGN, "Where the key may go").

use super::target::{Key, Target};
use crate::knowledge::otel;
use crate::resolve::{ExportPlan, Workload};

/// The probe target of a service whose first hop is a collector, if it has one. `unreachable`
/// says why this machine cannot reach a host the way the container does.
pub fn target(
    service: &Workload,
    plan: &ExportPlan,
    unreachable: impl Fn(&str, &str, u16) -> Option<String>,
) -> Option<Target> {
    let entry = service.route.as_ref()?.entry.as_ref()?;
    let collector = &entry.collector;
    let (url, endpoint_location, canary_skip) = match &entry.published {
        Some((address, location)) => (local_url(&plan.url, address)?, Some(location.clone()), None),
        None => {
            let port = entry.container_port;
            let url = plan.parsed_url();
            let why = url
                .as_ref()
                .and_then(|u| unreachable(u.host_str()?, u.scheme(), u.port_or_known_default()?))
                .unwrap_or_else(|| format!("`{collector}` cannot be reached from here"));
            (
                plan.url.clone(),
                plan.endpoint_location().cloned(),
                Some(format!(
                    "{}: {why}; `{collector}` publishes none for {port}: add ports: [\"{port}:{port}\"] to it",
                    service.name
                )),
            )
        }
    };
    let key = entry.keys.first();
    let resource_name = service
        .setting(otel::SERVICE_NAME)
        .map_or_else(|| service.name.clone(), |s| s.value.to_string());
    Some(Target {
        services: vec![service.name.clone()],
        resource_name,
        protocol: plan.protocol,
        url,
        headers: plan.headers.clone(),
        key: key.map(|key| Key {
            value: key.value.clone(),
            location: Some(key.location.clone()),
        }),
        endpoint_location,
        via: Some(collector.clone()),
        canary_skip,
        key_region: key.map(|key| key.region),
        withheld: None,
    })
}

/// The service's URL with the collector's published address in place of its compose host.
fn local_url(url: &str, address: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    let (host, port) = address.rsplit_once(':')?;
    parsed.set_host(Some(host)).ok()?;
    parsed.set_port(Some(port.parse().ok()?)).ok()?;
    let text = parsed.to_string();
    // gRPC endpoints have no path: keep them without the slash `Url` adds.
    Some(if url.ends_with('/') {
        text
    } else {
        text.trim_end_matches('/').to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_address_replaces_the_compose_host() {
        assert_eq!(
            local_url("http://otel-collector:4318/v1/traces", "127.0.0.1:14318").as_deref(),
            Some("http://127.0.0.1:14318/v1/traces")
        );
        assert_eq!(
            local_url("http://otel-collector:4317", "[::1]:4317").as_deref(),
            Some("http://[::1]:4317")
        );
    }
}
