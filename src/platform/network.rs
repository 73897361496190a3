//! The kiosk's own network addresses, for the technician who must reach it (the fault page
//! names them, since a kiosk that cannot start has no other screen to say so).

/// Every non-loopback address with its interface, e.g. "eth0 192.168.1.23"; IPv4 first.
pub fn addresses() -> Vec<String> {
    let mut found: Vec<(bool, String)> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| (!i.ip().is_ipv4(), format!("{} {}", i.name, i.ip())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, a)| a).collect()
}
