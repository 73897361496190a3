//! The kiosk's own network addresses, for staff and the technician who must reach it: the
//! staff screen names the one it reaches the network from, the fault page every one (a
//! kiosk that cannot start has no other screen to say so).

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

/// The address this kiosk reaches the network from. Connecting a UDP socket sends nothing;
/// it only asks the kernel which source address a route would use.
pub fn route_address() -> Option<String> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    Some(s.local_addr().ok()?.ip().to_string())
}
