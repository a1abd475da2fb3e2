//! Invalid scenario fixtures each produce their exact message: parse errors as
//! `FILE:LINE:COL: message`, semantic ones as `FILE: field.path: message`. Each fixture
//! `tests/fixtures/invalid/NAME.ron` sits beside `NAME.expected`.

use kombat::scenario;

fn messages(label: &str, text: &str) -> String {
    match scenario::parse(label, text) {
        Err(e) => format!("{e}\n"),
        Ok(s) => scenario::validate(&s).iter().map(|p| format!("{label}: {p}\n")).collect::<Vec<_>>().concat(),
    }
}

#[test]
fn every_invalid_fixture_gets_its_exact_message() {
    let dir = format!("{}/tests/fixtures/invalid", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("fixture dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "ron")) {
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_owned();
        let label = format!("tests/fixtures/invalid/{name}");
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let expected =
            std::fs::read_to_string(path.with_extension("expected")).expect("every fixture has a .expected file");
        let got = messages(&label, &text);
        assert!(!got.is_empty(), "{name} should be rejected");
        assert_eq!(got, expected, "{name}");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} fixtures found");
}

#[test]
fn shipped_scenarios_are_valid() {
    for (id, text) in scenario::builtin_sources() {
        let s = scenario::parse(id, text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.id, id, "the file name and the id agree");
        let problems = scenario::validate(&s);
        assert!(problems.is_empty(), "{id}: {problems:?}");
    }
}

#[test]
fn every_shipped_scenario_file_is_embedded() {
    let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("scenarios dir")
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".ron")).map(str::to_owned))
        .collect();
    files.sort();
    let mut embedded: Vec<String> = scenario::builtin_sources().map(|(id, _)| id.to_owned()).collect();
    embedded.sort();
    assert_eq!(files, embedded);
}
