//! `-T ek`: tshark's Elasticsearch bulk format — per packet an index line
//! `{"index":{"_index":"packets-YYYY-MM-DD","_type":"doc"}}` and a document line
//! `{"timestamp":"<ms>","layers":{…}}`, each layer one flat object whose keys are the layer
//! name and the field name with `_` for `.` (`ip_ip_src`), a repeated field one array,
//! booleans as JSON booleans, fields without a value `null`.

use serde_json::{Map, Value as Json};

use crate::decode::FieldList;
use crate::field::{write_value, Display, Value};

fn value(def: &crate::field::FieldDef, v: &Value<'_>) -> Json {
    match (v, def.display) {
        (Value::None, _) => Json::Null,
        (Value::Bool(b), _) => Json::Bool(*b),
        (Value::U64(n), Display::Bool) => Json::Bool(*n != 0),
        (Value::Bytes(bytes), _) => Json::String(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
        ),
        (v, _) => {
            let mut text = String::new();
            let _ = write_value(&mut text, def, v);
            Json::String(text)
        }
    }
}

/// The two lines of one packet.
pub fn write_packet(fields: &FieldList<'_>, index_date: &str, ts_ns: i64, line: &mut Vec<u8>) {
    let mut layers: Map<String, Json> = Map::new();
    let mut current: Option<(String, Map<String, Json>)> = None;
    for field in fields.iter() {
        let def = field.def();
        if def.name.starts_with("_ws.col.") {
            continue;
        }
        if field.depth == 0 {
            if let Some((name, object)) = current.take() {
                layers.insert(name, Json::Object(object));
            }
            current = Some((def.name.to_string(), Map::new()));
            continue;
        }
        let Some((layer, object)) = current.as_mut() else {
            continue;
        };
        let key = format!("{layer}_{}", def.name.replace('.', "_"));
        let v = value(def, &field.value);
        match object.get_mut(&key) {
            Some(Json::Array(list)) => list.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Json::Array(vec![first, v]);
            }
            None => {
                object.insert(key, v);
            }
        }
    }
    if let Some((name, object)) = current.take() {
        layers.insert(name, Json::Object(object));
    }
    let index =
        serde_json::json!({"index": {"_index": format!("packets-{index_date}"), "_type": "doc"}});
    let doc = serde_json::json!({
        "timestamp": (ts_ns.div_euclid(1_000_000)).to_string(),
        "layers": Json::Object(layers),
    });
    let _ = serde_json::to_writer(&mut *line, &index);
    line.push(b'\n');
    let _ = serde_json::to_writer(&mut *line, &doc);
    line.push(b'\n');
}
