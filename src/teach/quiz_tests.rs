use super::*;

#[test]
fn flags_parse_in_any_order_and_case() {
    let q = Question {
        kind: QuizKind::NextFlags,
        frame: 1,
        ask: String::new(),
        answer: Answer::Flags(0x012),
        why: "x".into(),
        working: None,
    };
    assert!(check(&q, "ack, syn").right);
    assert!(check(&q, "[SYN, ACK]").right);
    assert!(!check(&q, "SYN").right);
    let v = check(&q, "SYNACK");
    assert!(!v.right && v.text.contains("not a TCP flag"), "{}", v.text);
}

#[test]
fn numbers_accept_hex_and_refuse_words() {
    let q = Question {
        kind: QuizKind::IpLength,
        frame: 1,
        ask: String::new(),
        answer: Answer::Number(60),
        why: "20 + 40 = 60".into(),
        working: None,
    };
    assert!(check(&q, " 60 ").right);
    assert!(check(&q, "0x3c").right);
    let v = check(&q, "sixty");
    assert!(!v.right && v.text.contains("20 + 40 = 60"));
}
