//! `-T json`: one JSON object per packet per line; keys are the Wireshark field names, a
//! field that occurs several times becomes an array. Numbers stay numbers.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::decode::FieldList;
use crate::field::{Display, Value, ValueFormatter};

pub fn write_object(fields: &FieldList<'_>, line: &mut Vec<u8>) {
    // Keep tree order for keys: the first occurrence decides the position.
    let mut order: Vec<&'static str> = Vec::new();
    let mut values: BTreeMap<&'static str, Vec<Json>> = BTreeMap::new();
    for field in fields.iter() {
        let def = field.def();
        let value = match (field.value, def.display) {
            (Value::None, _) => Json::Bool(true),
            (Value::U64(v), Display::Dec | Display::Int) => Json::from(v),
            (Value::Bool(b), _) => Json::from(u8::from(b)),
            (Value::U64(v), Display::Bool) => Json::from(v),
            (Value::I64(v), Display::Dec | Display::Int) => Json::from(v),
            (value, _) => Json::String(ValueFormatter(def, &value).to_string()),
        };
        let slot = values.entry(def.name).or_default();
        if slot.is_empty() {
            order.push(def.name);
        }
        slot.push(value);
    }
    let mut object = Map::new();
    for name in order {
        if let Some(mut list) = values.remove(name) {
            let value = if list.len() == 1 {
                list.pop().unwrap_or(Json::Null)
            } else {
                Json::Array(list)
            };
            object.insert(name.to_string(), value);
        }
    }
    let _ = serde_json::to_writer(&mut *line, &Json::Object(object));
    line.push(b'\n');
}
