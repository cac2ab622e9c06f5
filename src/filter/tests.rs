//! Parser, printer and fast-path tests. The answers against tshark live in
//! tests/integration/filter.rs.

use proptest::prelude::*;

use super::*;
use crate::field::{Display, Value, FIELDS};
use crate::source::{FileSource, PacketSource};

fn err(text: &str) -> FilterError {
    parse(text).expect_err(text)
}

#[test]
fn errors_point_at_the_problem() {
    let e = err("tcp.sport == 80");
    assert_eq!(e.column, 1);
    assert_eq!(e.width, 9);
    assert_eq!(
        e.kind.to_string(),
        "unknown field 'tcp.sport' — did you mean tcp.srcport?"
    );
    assert_eq!(
        e.render("tcp.sport == 80"),
        "unknown field 'tcp.sport' — did you mean tcp.srcport? at column 1\n\
         tcp.sport == 80\n^~~~~~~~~"
    );

    let e = err("tcp.port == ");
    assert_eq!(e.to_string(), "expected a value after '==' at column 13");
    let e = err("tcp.port == && ip");
    assert_eq!(e.to_string(), "expected a value after '==' at column 13");

    let e = err("ip.src == 10.0.0.300");
    assert_eq!(e.column, 11);
    assert!(
        e.kind.to_string().contains("ip.src needs an IPv4 address"),
        "{e}"
    );

    let e = err("tcp.port == \"80\"");
    assert_eq!(e.column, 13);

    let e = err("tcp.srcport[0:1] == 00");
    assert!(matches!(e.kind, ErrorKind::NotSliceable { .. }), "{e}");

    let e = err("(tcp || udp");
    assert_eq!((e.kind.clone(), e.column), (ErrorKind::UnclosedParen, 1));

    let e = err("tcp udp");
    assert_eq!(e.column, 5);
    let e = err("ip.src == ip.dst");
    assert!(matches!(e.kind, ErrorKind::FieldAsValue { .. }), "{e}");
    assert!(parse("frame matches \"[é]x\"").is_ok());
    let e = err("frame matches \"(\"");
    assert!(matches!(e.kind, ErrorKind::BadRegex(_)), "{e}");
    let e = err("tcp.flags.syn > 1");
    assert!(matches!(e.kind, ErrorKind::BadOperator { .. }), "{e}");
    let e = err("ip.src contains 10");
    assert!(matches!(e.kind, ErrorKind::BadOperator { .. }), "{e}");
    assert_eq!(err("").kind, ErrorKind::Empty);
    assert_eq!(err("   ").kind, ErrorKind::Empty);
    assert!(matches!(
        err("eth.src[x] == 00").kind,
        ErrorKind::BadSlice { .. }
    ));
    assert!(matches!(
        err("eth.src[] == 00").kind,
        ErrorKind::BadSlice { .. }
    ));
    assert!(err("tcp.port in {}").to_string().contains("expected"));
    assert!(err("tcp.port in {80").to_string().contains("'}'"));
    assert!(err("ip.proto & ").to_string().contains("expected a value"));
    assert!(err("ip.src & 1").to_string().contains("'&'"));
}

#[test]
fn error_caret_counts_characters() {
    let text = "frame contains \"é\" && tcp.sprt";
    let e = Filter::parse(text).unwrap_err();
    assert_eq!(e.error.column, 23);
    assert!(e
        .to_string()
        .ends_with(&format!("{text}\n{}^~~~~~~~", " ".repeat(22))));
}

#[test]
fn hostile_input_does_not_panic() {
    let deep = "(".repeat(10_000) + "tcp" + &")".repeat(10_000);
    assert_eq!(err(&deep).kind, ErrorKind::TooDeep);
    let nots = "!".repeat(100_000) + "tcp";
    assert_eq!(err(&nots).kind, ErrorKind::TooDeep);
    for text in [
        "\"",
        "\\",
        "[",
        "]",
        "eth.src[",
        "eth.src[0:",
        "eth.src[-2147483648:]",
        "eth.src[0:4294967295] == 00",
        "eth.src[2147483647-0] == 00",
        "tcp.port in {1..}",
        "tcp.port in {..1}",
        "frame.time_delta > 99999999999999999999.1",
        "ip.addr == 1.2.3.4/",
        "~",
        "tcp.port ==== 1",
        "!",
        "()",
        "tcp &&",
        "eth.src[:] == 00",
        "a[0]",
    ] {
        let _ = parse(text);
    }
}

#[test]
fn accepted_spellings() {
    let same = |a: &str, b: &str| {
        assert_eq!(parse(a).unwrap(), parse(b).unwrap(), "{a} vs {b}");
    };
    same(
        "tcp.port eq 80 and not udp or ip",
        "tcp.port == 80 && !udp || ip",
    );
    same(
        "frame.len gt 0x10 && frame.len le 020",
        "frame.len > 16 && frame.len <= 16",
    );
    same(
        "tcp.port in {80 443 8000..8080}",
        "tcp.port in {80, 443, 8000 .. 8080}",
    );
    same("eth.src[0:3] == 00:16:35", "eth.src[0-2] == 001635");
    same("eth.src[:3] == 00-16-35", "eth.src[0:3] == 00.16.35");
    same("eth.src[2] == 35", "eth.src[2:1] == 35");
    same("tcp.flags.syn == True", "tcp.flags.syn == 1");
    same("frame matches \"get\"", "frame ~ \"get\"");
    same("ip.addr ~= 1.2.3.4", "ip.addr !== 1.2.3.4");
    same("ip.addr any_ne 1.2.3.4", "ip.addr ~= 1.2.3.4");
}

#[test]
fn canonical_printing() {
    let show = |text: &str| parse(text).unwrap().to_string();
    assert_eq!(
        show("tcp.port eq 0x50 or udp and icmp"),
        "tcp.port == 80 || udp && icmp"
    );
    assert_eq!(show("(tcp || udp) && icmp"), "(tcp || udp) && icmp");
    assert_eq!(show("tcp || (udp || icmp)"), "tcp || (udp || icmp)");
    assert_eq!(show("not (tcp and udp)"), "!(tcp && udp)");
    assert_eq!(show("ip.addr == 10.0.0.0/8"), "ip.addr == 10.0.0.0/8");
    assert_eq!(show("ip.addr == 10.0.0.1/32"), "ip.addr == 10.0.0.1");
    assert_eq!(show("eth.src[0-2] == 001635"), "eth.src[0:3] == 00:16:35");
    assert_eq!(show("tcp.flags & 2"), "tcp.flags & 0x2");
    assert_eq!(
        show("frame.time_delta > .5"),
        "frame.time_delta > 0.500000000"
    );
    assert_eq!(
        show(r#"frame contains "a\x00\"""#),
        r#"frame contains "a\x00\"""#
    );
    assert_eq!(
        show("tcp.port in {80 443 8000..8080}"),
        "tcp.port in {80, 443, 8000..8080}"
    );
}

/// Every fast getter agrees with what `decode::emit` produces, on every textbook frame and
/// every 802.3, tunnel and malformed-length frame.
#[test]
fn fast_path_agrees_with_emitted_fields() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("captures/textbook"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    for name in ["link_layers", "tunnels", "malformed"] {
        paths.push(root.join(format!("captures/{name}.pcapng")));
    }
    let mut checked = 0;
    for path in paths {
        let mut source = FileSource::open(path.to_str().unwrap()).unwrap();
        let mut dissector = crate::dissect::Dissector::new();
        while let Ok(Some(frame)) = source.next_frame() {
            let d = dissector.dissect(&frame);
            if d.reassembled.is_some() {
                continue; // Filter::matches takes the emitting path for these.
            }
            let mut scratch = String::new();
            let mut list = FieldList::new();
            d.emit_fields(&mut scratch, &mut list);
            let slow = ListSource {
                fields: &list,
                data: d.packet.data,
                net_end: d.packet.net_end,
            };
            let quick = fast::Fast {
                packet: &d.packet,
                info: &d.info,
            };
            for def in FIELDS.iter().filter(|def| fast::supported(def.id)) {
                let collect = |src: &dyn FieldSource| {
                    let mut out: Vec<String> = Vec::new();
                    src.any(def.id, &mut |v: &Value<'_>| {
                        out.push(format!("{v:?}"));
                        false
                    });
                    out
                };
                assert_eq!(
                    collect(&quick),
                    collect(&slow),
                    "{} in {} frame {}",
                    def.name,
                    path.display(),
                    d.info.number
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

/// The fast path and the emitted list give the same answer for a filter, and the
/// interest mask emits everything the filter reads.
#[test]
fn interest_mask_keeps_what_the_filter_reads() {
    let filter = Filter::parse("tcp.options.mss_val > 1000 || ip.checksum.status == 2").unwrap();
    assert!(!filter.is_fast());
    assert!(filter.interest().contains(Interest::TCP));
    assert!(filter.interest().contains(Interest::IPV4));
    assert!(!filter.interest().contains(Interest::LINK));
    assert!(Filter::parse("tcp.port == 80 && ip.src == 1.2.3.4")
        .unwrap()
        .is_fast());
}

fn literal_for(kind: Kind) -> BoxedStrategy<Literal> {
    match kind {
        Kind::Unsigned => any::<u64>().prop_map(Literal::Unsigned).boxed(),
        Kind::Signed => any::<i64>().prop_map(Literal::Signed).boxed(),
        Kind::Bool => any::<bool>().prop_map(Literal::Bool).boxed(),
        Kind::Mac => any::<[u8; 6]>().prop_map(Literal::Mac).boxed(),
        Kind::Ipv4 => (any::<[u8; 4]>(), 0u8..=32)
            .prop_map(|(a, p)| Literal::Ipv4(a, p))
            .boxed(),
        Kind::Ipv6 => (any::<[u8; 16]>(), 0u8..=128)
            .prop_map(|(a, p)| Literal::Ipv6(a, p))
            .boxed(),
        Kind::Seconds => (-1_000_000_000_000_000_000i64..1_000_000_000_000_000_000)
            .prop_map(Literal::Seconds)
            .boxed(),
        Kind::Text => proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(Literal::Str)
            .boxed(),
        Kind::Bytes | Kind::Protocol => prop_oneof![
            proptest::collection::vec(any::<u8>(), 1..8).prop_map(Literal::Bytes),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(Literal::Str),
        ]
        .boxed(),
    }
}

fn operand() -> impl Strategy<Value = Operand> {
    let field = prop_oneof![
        (0..FIELDS.len()).prop_map(|i| FieldRef::Real(FIELDS[i].id)),
        (0..Virtual::ALL.len()).prop_map(|i| FieldRef::Virtual(Virtual::ALL[i])),
    ];
    let slice =
        (-8i32..8, proptest::option::of(0u32..8)).prop_map(|(start, len)| Slice { start, len });
    (
        field,
        proptest::option::of(slice),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(|(field, slice, mask)| {
            let slice = slice.filter(|_| field.sliceable());
            let mask = mask.filter(|_| slice.is_none() && field.kind() == Kind::Unsigned);
            Operand { field, slice, mask }
        })
}

fn leaf() -> impl Strategy<Value = Expr> {
    (operand(), 0usize..5, 0usize..CmpOp::ALL.len()).prop_flat_map(|(op, form, cmp)| {
        let kind = op.kind();
        let cmp = CmpOp::ALL[cmp];
        let bytes_like = matches!(kind, Kind::Text | Kind::Bytes | Kind::Protocol);
        match form {
            1 if !(kind == Kind::Bool && cmp.is_ordering()) => literal_for(kind)
                .prop_map(move |l| Expr::Compare(op.clone(), cmp, l))
                .boxed(),
            2 if bytes_like => literal_for(kind)
                .prop_map(move |l| Expr::Contains(op.clone(), l))
                .boxed(),
            3 if bytes_like => "[a-z. ^$\"]{0,6}"
                .prop_map(move |s| {
                    Expr::Matches(op.clone(), terms::compile_pattern(s.as_bytes()).unwrap())
                })
                .boxed(),
            4 => {
                let item = prop_oneof![
                    literal_for(kind).prop_map(SetItem::One),
                    (literal_for(kind), literal_for(kind)).prop_map(|(a, b)| SetItem::Range(a, b)),
                ];
                proptest::collection::vec(item, 1..4)
                    .prop_map(move |items| Expr::In(op.clone(), items))
                    .boxed()
            }
            _ => Just(Expr::Test(op)).boxed(),
        }
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_identity(e in expr()) {
        let text = e.to_string();
        let back = parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&e), "printed as {}", text);
    }

    #[test]
    fn parser_never_panics(text in "[ -~]{0,40}|\\PC{0,20}") {
        let _ = parse(&text);
    }

    #[test]
    fn parser_never_panics_on_filter_like_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("tcp.port"), Just("=="), Just("ip.addr"), Just("10.0.0.0/8"), Just("("),
                Just(")"), Just("!"), Just("&&"), Just("in"), Just("{"), Just("}"), Just(".."),
                Just("eth.src"), Just("["), Just("]"), Just("0:3"), Just("\""), Just("contains"),
                Just("matches"), Just("&"), Just("0x"), Just(","), Just("-1"),
            ],
            0..12,
        )
    ) {
        let _ = parse(&parts.join(" "));
        let _ = parse(&parts.concat());
    }
}

#[test]
fn display_kinds_cover_the_table() {
    // Every field maps to a kind the literal parser handles.
    for def in FIELDS {
        let kind = FieldRef::Real(def.id).kind();
        assert_eq!(kind == Kind::Protocol, def.display == Display::Protocol);
    }
}
