//! The routes file: only the routes whose filters match receive, `${VAR}` comes from the
//! environment, and mistakes stop the run before anything is sent.

mod common;

use common::{crier, Answer, Server, TempDir};

struct Setup {
    a: Server,
    b: Server,
    c: Server,
    d: Server,
    dir: TempDir,
    config: String,
}

const ROUTES: &str = r#"
defaults:
  retries: 0
  vars: ["team=platform"]
routes:
  - to: ${HOOK_A}
    on: problems
    branches: [main, "release/*"]
  - to:
      - ${HOOK_B}
    on: [failure]
    environments: [production]
  - to: webhook+${HOOK_C}
    events: [deploy, release]
    repositories: ["acme/*"]
    template: '{"route": "c", "team": "{{vars.team}}", "who": "{{vars.who}}"}'
    vars: {who: audit}
    headers: ["X-Team: platform"]
"#;

fn setup() -> Setup {
    let dir = TempDir::new();
    let config = dir.write("routes.yml", ROUTES);
    let ok = || Server::always(Answer::status(200));
    Setup {
        a: ok(),
        b: ok(),
        c: ok(),
        d: ok(),
        dir,
        config,
    }
}

impl Setup {
    /// A GitLab job on `branch`, with `status`, deploying to `environment` if given; the
    /// `to` setting adds server D.
    fn run(
        &self,
        status: &str,
        branch: &str,
        environment: Option<&str>,
        extra: &[&str],
    ) -> common::Run {
        let mut env = vec![
            ("GITLAB_CI", "true".to_owned()),
            ("CI_PROJECT_PATH", "acme/widgets".to_owned()),
            ("CI_COMMIT_BRANCH", branch.to_owned()),
            ("CI_JOB_STATUS", status.to_owned()),
            ("HOOK_A", self.a.url("/a")),
            ("HOOK_B", self.b.url("/b")),
            ("HOOK_C", self.c.url("/c")),
            ("CRIER_CONFIG", self.config.clone()),
            ("CRIER_TO", self.d.url("/d")),
        ];
        if let Some(environment) = environment {
            env.push(("CI_ENVIRONMENT_NAME", environment.to_owned()));
        }
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crier(extra, &env)
    }

    fn received(&self) -> [usize; 4] {
        [&self.a, &self.b, &self.c, &self.d].map(|s| s.requests().len())
    }
}

#[test]
fn only_matching_routes_receive() {
    let s = setup();
    // (status, branch, environment, which of A B C D receive)
    let cases: &[(&str, &str, Option<&str>, [usize; 4])] = &[
        ("failed", "main", None, [1, 0, 0, 1]),
        ("success", "main", None, [0, 0, 0, 1]),
        ("failed", "feature/x", None, [0, 0, 0, 1]),
        ("failed", "release/2.0", Some("production"), [1, 1, 1, 1]),
        ("success", "release/2.0", Some("production"), [0, 0, 1, 1]),
        ("canceled", "main", Some("staging"), [1, 0, 1, 1]),
    ];
    let mut total = [0; 4];
    for (status, branch, environment, receives) in cases {
        let run = s.run(status, branch, *environment, &[]);
        assert_eq!(
            run.code, 0,
            "{status} {branch} {environment:?}: {}",
            run.stderr
        );
        for i in 0..4 {
            total[i] += receives[i];
        }
        assert_eq!(
            s.received(),
            total,
            "after {status} on {branch} to {environment:?}: {}",
            run.stderr
        );
    }
    // Route 3's own template, vars over the defaults' vars, and headers.
    let c = &s.c.requests()[0];
    assert_eq!(
        c.json(),
        serde_json::json!({"route": "c", "team": "platform", "who": "audit"})
    );
    assert_eq!(c.header("x-team"), Some("platform"));
}

#[test]
fn a_dry_run_says_which_routes_matched_and_why_not() {
    let s = setup();
    let run = s.run("success", "feature/x", None, &["--print-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "route 1: not matched: branch `feature/x` is not in branches [main, release/*]"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("route 2: not matched: the run has no environment"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("route 3: not matched: event `build` is not in events [deploy, release]"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "only the `to` setting's payload: {}",
        run.stdout
    );
    assert_eq!(s.received(), [0; 4]);

    let run = s.run("failed", "main", None, &["--print-payload"]);
    assert!(run.stderr.contains("route 1: matched"), "{}", run.stderr);
}

#[test]
fn an_unknown_key_stops_the_run_naming_the_key_and_its_line() {
    let s = setup();
    for (routes, key, line) in [
        (
            "routes:\n  - to: ${HOOK_A}\n    branchs: [main]\n",
            "branchs",
            "line 3",
        ),
        ("defaults:\n  retrys: 2\nroutes: []\n", "retrys", "line 2"),
        ("route:\n  - to: ${HOOK_A}\n", "route", "line 1"),
    ] {
        std::fs::write(&s.config, routes).unwrap();
        let run = s.run("failed", "main", None, &[]);
        assert_eq!(run.code, 2, "{routes}: {}", run.stderr);
        assert!(
            run.stderr.contains(key) && run.stderr.contains(line),
            "{routes}: {}",
            run.stderr
        );
    }
    assert_eq!(s.received(), [0; 4], "nothing is sent");
}

#[test]
fn an_unset_variable_stops_the_run_naming_it() {
    let s = setup();
    std::fs::write(
        &s.config,
        "routes:\n  - to: ${HOOK_A}\n  - to: ${NOT_SET_ANYWHERE}\n",
    )
    .unwrap();
    let run = s.run("failed", "main", None, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("${NOT_SET_ANYWHERE} is not set"),
        "{}",
        run.stderr
    );
    assert_eq!(s.received(), [0; 4]);
}

#[test]
fn secrets_from_variables_stay_out_of_the_output() {
    let s = setup();
    let dir = &s.dir;
    std::fs::write(&s.config, "routes:\n  - to: ${HOOK_A}/s3cr3tT0ken99\n").unwrap();
    let output = dir.file("out");
    let run = s.run("failed", "main", None, &["--print-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.all_output().contains("s3cr3tT0ken99"),
        "{}",
        run.all_output()
    );
    let _ = output;
}

#[test]
fn the_image_works_as_a_drone_plugin_with_plugin_settings() {
    let s = setup();
    let config = s.dir.write(
        "plugin-routes.yml",
        "routes:\n  - to: ${HOOK_A}\n    on: failure\n",
    );
    let to = format!("{},{}", s.c.url("/c"), s.d.url("/d"));
    let hook = s.a.url("/a");
    let env = [
        ("CI", "true"),
        ("DRONE", "true"),
        ("DRONE_REPO", "acme/widgets"),
        ("DRONE_BRANCH", "main"),
        ("DRONE_BUILD_STATUS", "failure"),
        ("PLUGIN_TO", to.as_str()),
        ("PLUGIN_CONFIG", config.as_str()),
        ("PLUGIN_FAIL_ON_ERROR", "true"),
        ("HOOK_A", hook.as_str()),
    ];
    let run = crier(&[], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(s.received(), [1, 0, 1, 1], "{}", run.stderr);
    let body = s.d.requests()[0].json();
    assert_eq!(body["ci"]["provider"], "drone");
    assert_eq!(body["status"], "failure");
}
