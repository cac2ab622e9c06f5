use super::*;

#[test]
fn specs_parse() {
    assert_eq!(
        RemoteSpec::parse("ssh://alice@gw.example:2222/eth0").unwrap(),
        RemoteSpec::Ssh {
            user: Some("alice".into()),
            host: "gw.example".into(),
            port: Some(2222),
            iface: "eth0".into()
        }
    );
    assert_eq!(
        RemoteSpec::parse("ssh://[2001:db8::1]/any").unwrap(),
        RemoteSpec::Ssh {
            user: None,
            host: "2001:db8::1".into(),
            port: None,
            iface: "any".into()
        }
    );
    assert_eq!(
        RemoteSpec::parse("k8s://web/api-0/app/eth0").unwrap(),
        RemoteSpec::Kube {
            namespace: Some("web".into()),
            pod: "api-0".into(),
            container: Some("app".into()),
            iface: "eth0".into()
        }
    );
    assert_eq!(
        RemoteSpec::parse("k8s://api-0").unwrap(),
        RemoteSpec::Kube {
            namespace: None,
            pod: "api-0".into(),
            container: None,
            iface: "any".into()
        }
    );
}

#[test]
fn hostile_names_are_refused() {
    for bad in [
        "ssh://-oProxyCommand=evil/eth0",
        "ssh://host/eth0;rm -rf /",
        "ssh://host/$(reboot)",
        "ssh://us er@host/eth0",
        "ssh://host",
        "k8s://-n/pod",
        "k8s://ns/pod`id`",
        "k8s://a/b/c/d/e",
        "cmd://",
        "tcp://host",
    ] {
        assert!(RemoteSpec::parse(bad).is_err(), "{bad} was accepted");
    }
}

#[test]
fn the_remote_shell_gets_quoted_words() {
    let spec = RemoteSpec::parse("ssh://host/eth0").unwrap();
    let argv = spec.argv(&RemoteOptions {
        remote_filter: Some("port 80 and host 10.0.0.1; reboot".into()),
        ..RemoteOptions::default()
    });
    assert_eq!(&argv[..5], ["ssh", "-o", "BatchMode=yes", "host", "--"]);
    let remote = argv.last().unwrap();
    assert_eq!(
        shlex::split(remote).unwrap(),
        [
            "tcpdump",
            "-U",
            "-w",
            "-",
            "-i",
            "eth0",
            "port 80 and host 10.0.0.1; reboot"
        ]
    );
}

proptest::proptest! {
    /// Whatever is typed after -i, parsing never panics, and whatever it accepts puts
    /// no word on ssh's or kubectl's command line that starts with '-' or carries shell
    /// syntax (the remote command line is quoted word by word).
    #[test]
    fn any_spec_is_safe_on_a_command_line(spec in "(ssh|k8s|cmd)://[ -~]{0,40}") {
        if let Ok(parsed) = RemoteSpec::parse(&spec) {
            let argv = parsed.argv(&RemoteOptions::default());
            if let RemoteSpec::Ssh { .. } = parsed {
                let dash = argv.iter().position(|a| a == "--").unwrap();
                for word in &argv[1..dash] {
                    proptest::prop_assert!(!word.starts_with('-') || word == "-o" || word == "-p");
                }
                let remote = argv.last().unwrap();
                let words = shlex::split(remote).unwrap();
                proptest::prop_assert_eq!(&words[..5], ["tcpdump", "-U", "-w", "-", "-i"]);
            }
            if let RemoteSpec::Kube { pod, .. } = &parsed {
                proptest::prop_assert!(!pod.starts_with('-'));
                proptest::prop_assert!(pod.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
            }
        }
    }
}
