//! sockeye in the command-line ecosystem: completions that load in bash, a manual page
//! that man renders, and a version that names the commit.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sockeye");

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completion_loads_and_completes_flags_and_subcommands() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("SKIPPED: bash is not installed");
        return;
    }
    let script = format!(
        r#"set -e
source <("{BIN}" completions bash)
complete -p sockeye
COMP_WORDS=(sockeye --rem); COMP_CWORD=1; _sockeye sockeye --rem sockeye
printf '%s\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(sockeye comp); COMP_CWORD=1; _sockeye sockeye comp sockeye
printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _sockeye sockeye"), "{stdout}");
    assert!(stdout.contains("--remote-filter"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "completions"), "{stdout}");
}

#[test]
fn zsh_and_fish_completions_name_the_flags() {
    assert!(run(&["completions", "zsh"]).contains("#compdef sockeye"));
    let fish = run(&["completions", "fish"]);
    assert!(
        fish.contains("complete -c sockeye") && fish.contains("follow"),
        "{fish}"
    );
}

#[test]
fn man_page_renders_with_its_examples() {
    let page = run(&["man"]);
    assert!(page.contains(".SH EXAMPLES"));
    let have = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !have("man") || !have("groff") {
        eprintln!("SKIPPED: man or groff is not installed; the roff source was checked");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sockeye-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sockeye.1");
    std::fs::write(&file, page).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "EXAMPLES",
        "tcpdump -U -w - | sockeye -r -",
        "REMOTE CAPTURE",
        "-Y",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn version_names_the_commit() {
    let v = run(&["--version"]);
    assert!(
        v.starts_with(&format!("sockeye {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(h) if h.status.success() => {
            let head = String::from_utf8_lossy(&h.stdout).trim().to_string();
            assert!(v.contains(&head), "{v} does not name HEAD {head}");
        }
        _ => eprintln!("SKIPPED part: not a git checkout, the commit cannot be compared"),
    }
}

#[test]
fn help_groups_flags_as_tcpdump_and_tshark_users_look_for_them() {
    let help = run(&["--help"]);
    let order: Vec<usize> = [
        "Input:",
        "Output:",
        "Capture:",
        "Filters:",
        "Statistics:",
        "Teaching:",
        "Remote capture:",
    ]
    .iter()
    .map(|h| help.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for group in [
        " Input",
        " Capture",
        " Output",
        " Filters",
        " Statistics",
        " Teaching",
    ] {
        assert!(
            help.contains(&format!("\n{group}\n  sockeye")),
            "no example for{group}"
        );
    }
}
