//! The help text's examples and the note on the environment, shared by `-h` and `--help`.

/// What `-h` and `--help` end with.
pub const EXAMPLES: &str = "Examples:
  crier --print-payload --status failure --to https://hooks.slack.com/services/T000/B000/XXXX
      show the Slack message a failed build sends, and send nothing
  crier --status \"$CI_JOB_STATUS\" --on problems --to \"$SLACK_WEBHOOK\" --to mailto:ops@example.com
      tell Slack and e-mail when the job failed or was cancelled
  crier --print-context
      show what templates can use ({{commit.sha}}, {{run.url}}, …)

`crier --help` lists every service and its URL forms.";

/// What `--help` ends with, after the services.
pub const ENVIRONMENT: &str =
    "Every setting can also be given as INPUT_NAME (GitHub Actions, hyphens kept), \
PLUGIN_NAME (Drone, Woodpecker) or CRIER_NAME (anywhere), NAME upper-cased; for PLUGIN_ and \
CRIER_ hyphens become underscores. Precedence: command line, INPUT_, PLUGIN_, CRIER_. Through \
the environment, list settings hold one item per line.

Exit status: 0 sent (or nothing to send), 1 a destination failed, 2 usage, configuration or \
template error (nothing sent).";
