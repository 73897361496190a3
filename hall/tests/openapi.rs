//! docs/hall-api.yaml stays true to the code: the paths it documents are exactly the routes
//! hall-sim serves and cover every path the kiosk's client calls; every schema it refers to
//! exists; and the request bodies the client sends have the required fields it lists.

use std::collections::BTreeSet;

use yaml_rust2::{Yaml, YamlLoader};

fn doc() -> Yaml {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/hall-api.yaml"
    ))
    .expect("docs/hall-api.yaml");
    YamlLoader::load_from_str(&text)
        .expect("valid YAML")
        .remove(0)
}

fn source(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("source")
}

/// "/help-requests/{request_no}" and "/help-requests/{no}" are the same route.
fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

fn documented() -> BTreeSet<(String, String)> {
    let d = doc();
    let mut set = BTreeSet::new();
    for (path, ops) in d["paths"].as_hash().expect("paths") {
        for (method, _) in ops.as_hash().expect("operations") {
            set.insert((
                method.as_str().unwrap().to_uppercase(),
                normalize(path.as_str().unwrap()),
            ));
        }
    }
    set
}

/// Routes of hall-sim: its GET/POST routes, and the POST actions its `apply` matches.
fn served() -> BTreeSet<(String, String)> {
    let sim = source("src/sim.rs");
    let mut set = BTreeSet::new();
    for line in sim.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix(".route(\"/kiosk/v1") {
            let path = rest.split('"').next().unwrap();
            if path.contains('*') {
                continue; // the POST catch-all: its actions are read below
            }
            let method = if rest.contains("get(") { "GET" } else { "POST" };
            set.insert((method.into(), normalize(path)));
        }
    }
    let apply = &sim[sim.find("fn apply(").expect("apply")..];
    for line in apply.lines().map(str::trim) {
        if line.starts_with('"') && line.contains("\" =>") {
            let action = line.trim_start_matches('"').split('"').next().unwrap();
            set.insert(("POST".into(), format!("/{action}")));
        }
        if line.contains("starts_with(\"help-requests/\") && p.ends_with(\"/close\")") {
            set.insert(("POST".into(), "/help-requests/{}/close".into()));
        }
    }
    set
}

#[test]
fn documented_paths_are_the_routes_hall_sim_serves() {
    let doc = documented();
    let sim = served();
    assert_eq!(
        doc,
        sim,
        "only in the document: {:?}; only in hall-sim: {:?}",
        doc.difference(&sim).collect::<Vec<_>>(),
        sim.difference(&doc).collect::<Vec<_>>()
    );
}

#[test]
fn every_path_the_client_calls_is_documented() {
    let paths: BTreeSet<String> = documented().into_iter().map(|(_, p)| p).collect();
    for file in ["src/link.rs", "src/store.rs", "../src/runtime.rs"] {
        let text = source(file);
        for piece in text.split("\"/").skip(1) {
            let literal = piece.split('"').next().unwrap();
            if literal.is_empty() || !literal.chars().next().unwrap().is_ascii_lowercase() {
                continue;
            }
            let path = normalize(&format!("/{literal}"));
            assert!(
                paths.contains(&path),
                "{file} calls {path}, not in docs/hall-api.yaml"
            );
        }
    }
}

fn refs(y: &Yaml, out: &mut Vec<String>) {
    match y {
        Yaml::Hash(h) => {
            for (k, v) in h {
                if k.as_str() == Some("$ref") {
                    out.push(v.as_str().unwrap().to_string());
                }
                refs(v, out);
            }
        }
        Yaml::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let d = doc();
    let mut all = Vec::new();
    refs(&d, &mut all);
    assert!(all.len() > 30);
    for r in all {
        let mut node = &d;
        for part in r.trim_start_matches("#/").split('/') {
            node = &node[part];
        }
        assert!(!node.is_badvalue(), "{r} does not resolve");
    }
}

fn required(schema: &str) -> BTreeSet<String> {
    doc()["components"]["schemas"][schema]["required"]
        .as_vec()
        .unwrap_or_else(|| panic!("{schema} lists required fields"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_client_sends_what_the_document_requires() {
    use hall_link::api::*;
    let rating = serde_json::to_value(RatingRequest {
        reference: ServiceRef::Ticket {
            ticket_no: "A001".into(),
        },
        level: 5,
        reasons: vec![],
        comment: String::new(),
    })
    .unwrap();
    assert!(required("RatingRequest").is_subset(&keys(&rating)));
    let ticket = serde_json::to_value(TicketRequest {
        category: "A".into(),
        source: Source::WalkIn,
        priority: None,
        applicant: None,
    })
    .unwrap();
    assert!(required("TicketRequest").is_subset(&keys(&ticket)));
    let submission = serde_json::to_value(SubmissionRequest {
        item_code: "x".into(),
        applicant: SubmissionApplicant {
            name: "n".into(),
            id_number: "i".into(),
            phone: "p".into(),
        },
        form: Default::default(),
        materials: vec![],
        commitment_accepted: false,
        delivery: Delivery {
            method: DeliveryMethod::Pickup,
            address: None,
        },
    })
    .unwrap();
    assert_eq!(required("SubmissionRequest"), keys(&submission));
    let heartbeat_fields: BTreeSet<String> =
        ["kiosk_id", "version", "uptime_s", "devices", "outbox"]
            .into_iter()
            .map(String::from)
            .collect();
    assert_eq!(required("Heartbeat"), heartbeat_fields);
}
