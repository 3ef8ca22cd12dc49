// The GitHub API stand-in of tests/history.rs, checked against GitHub's own OpenAPI
// description (@octokit/openapi): every field its bodies name must be one the description
// defines for that response, with the type it gives. (Fields the stand-in leaves out are
// allowed: crier reads only a few.)
//
// Usage: node api.mjs DIR (the bodies `cargo test --test history` wrote there)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv = require("ajv");
const api = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8"));
const dir = process.argv[2];

const response = (path) => api.paths[path].get.responses["200"].content["application/json"].schema;
// Only the shape: no field is required, and none may be named that the description lacks.
const strict = (schema) => {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "required" || key === "example" || key === "examples" || key === "format") continue;
    out[key] = strict(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  // OpenAPI 3.0's `nullable` in JSON Schema's words.
  if (out.nullable) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
};
const checks = [
  ["run", "/repos/{owner}/{repo}/actions/runs/{run_id}"],
  ["jobs", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"],
  ["workflow-runs", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"],
];
const ajv = new Ajv({ strict: false, allErrors: true });
let passed = 0;
const failures = [];
for (const [name, path] of checks) {
  const body = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  const validate = ajv.compile(strict(response(path)));
  if (validate(body)) passed++;
  else failures.push(`${name}.json against GET ${path}: ${ajv.errorsText(validate.errors)}`);
}
if (failures.length) console.error(failures.join("\n"));
console.log(`api stand-in: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
