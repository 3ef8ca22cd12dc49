// Checks the payloads crier prints against the platforms' own published definitions:
//   Slack    IncomingWebhookSendArguments (@slack/webhook), type-checked with tsc
//   Discord  RESTPostAPIWebhookWithTokenJSONBody (discord-api-types/v10), type-checked with tsc
//   Telegram sendMessage's arguments (@grammyjs/types), type-checked with tsc, and the HTML
//            tags Telegram reads
//   PagerDuty EventPayloadV2 (@pagerduty/pdjs) for a trigger, type-checked with tsc; a
//            success resolves its failure's incident (the same dedup_key)
//   Rocket.Chat  the incoming webhook's fields, its attachments MessageAttachmentDefault
//            (@rocket.chat/core-typings), type-checked with tsc
//   Teams, RingCentral  the Adaptive Card JSON schema (adaptivecards-designer) with ajv, and
//            the adaptivecards SDK's parser
// plus each service's documented size limits, which the type definitions do not encode.
// Every built-in template is rendered by the real binary for every status, for push, tag,
// pull request and release contexts, with and without a mention, and with hostile and huge
// commit messages.
//
// Usage: node validate.mjs [path/to/crier]   (default ../target/debug/crier)

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const crier = resolve(process.argv[2] ?? join(here, "..", "target", "debug", "crier"));
const work = mkdtempSync(join(tmpdir(), "crier-validate-"));
const failures = [];
const fail = (what, why) => failures.push(`${what}: ${why}`);

// ---------------------------------------------------------------- contexts
const repository = { name: "widgets", full_name: "acme/widgets", html_url: "https://github.com/acme/widgets" };
const hostile = "Fix \"quotes\" \\ <!channel> @everyone @here <users/all> <@123> [x](https://evil.example) *bold* 🎉\n\tline\r\n{{title}}";
const huge = Array.from({ length: 10000 }, (_, i) => `line ${i} <!channel> & "quoted" 🎉`).join("\n");
const push = (message) => ({
  ref: "refs/heads/main", before: "1".repeat(40), after: "2".repeat(40),
  head_commit: { id: "2".repeat(40), message, author: { name: "Ada <ada@example.com>", email: "ada@example.com", username: "ada" } },
  repository, sender: { login: "ada" },
});
const contexts = {
  push: { event: "push", payload: push("Add sprockets\n\nDetails."), ref: "refs/heads/main" },
  tag: { event: "push", payload: { ...push("Release 1.2.3"), ref: "refs/tags/v1.2.3" }, ref: "refs/tags/v1.2.3" },
  pull_request: {
    event: "pull_request", ref: "refs/pull/7/merge",
    payload: {
      number: 7, repository,
      pull_request: { number: 7, title: "Bold <b>widgets</b>", html_url: "https://github.com/acme/widgets/pull/7", user: { login: "grace" }, head: { ref: "feature/bold", sha: "3".repeat(40) }, base: { ref: "main" } },
    },
  },
  release: {
    event: "release", ref: "refs/tags/v2.0.0",
    payload: { release: { tag_name: "v2.0.0", name: "Two", html_url: "https://github.com/acme/widgets/releases/tag/v2.0.0" }, repository },
  },
  hostile: { event: "push", payload: push(hostile), ref: "refs/heads/main" },
  huge: { event: "push", payload: push(huge), ref: "refs/heads/main" },
};
const statuses = ["started", "success", "failure", "cancelled", "skipped", "unknown"];
const formats = ["slack", "discord", "teams", "ringcentral", "googlechat", "mattermost", "telegram", "rocketchat"];
// Where each format is sent; a format whose URL carries more than a path says so here.
const destination = (f) => ({
  telegram: "telegram+https://hooks.example.invalid/bot123456:ABCdef?chat_id=-100555",
})[f] ?? `${f}+https://hooks.example.invalid/${f}`;

// ---------------------------------------------------------------- render
const envFor = (ctx, eventFile, status, mention) => ({
  GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/widgets", GITHUB_SERVER_URL: "https://github.com",
  GITHUB_EVENT_NAME: ctx.event, GITHUB_EVENT_PATH: eventFile, GITHUB_REF: ctx.ref,
  GITHUB_RUN_ID: "9876543210", GITHUB_RUN_NUMBER: "42", GITHUB_ACTOR: "octocat",
  GITHUB_WORKFLOW: "CI", GITHUB_JOB: "build", GITHUB_SHA: "f".repeat(40),
  INPUT_STATUS: status, INPUT_MENTION: mention,
});
const printPayloads = (args, env) =>
  execFileSync(crier, ["--print-payload", ...args], { env, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
const payloads = Object.fromEntries(formats.map((f) => [f, []]));
for (const [name, ctx] of Object.entries(contexts)) {
  const eventFile = join(work, `${name}.json`);
  writeFileSync(eventFile, JSON.stringify(ctx.payload));
  for (const status of statuses) {
    for (const mention of ["", "<@123456789012345678>"]) {
      const env = envFor(ctx, eventFile, status, mention);
      const args = formats.flatMap((f) => ["--to", destination(f)]);
      let out;
      try {
        out = printPayloads(args, env);
      } catch (e) {
        fail(`${name}/${status}`, `crier failed: ${e.stderr}`);
        continue;
      }
      const lines = out.trimEnd().split("\n");
      if (lines.length !== formats.length) fail(`${name}/${status}`, `expected ${formats.length} payloads, got ${lines.length}`);
      lines.forEach((line, i) => payloads[formats[i]].push({ label: `${formats[i]} ${name}/${status}${mention ? "/mention" : ""}`, text: line, json: JSON.parse(line) }));
    }
  }
}

// PagerDuty takes only the statuses that open or close an incident: failure triggers, success
// resolves.
payloads.pagerduty = [];
for (const [name, ctx] of Object.entries(contexts)) {
  const eventFile = join(work, `${name}.json`);
  for (const status of ["failure", "success"]) {
    try {
      const line = printPayloads(["--to", "pagerduty://R0utingKey0123456789abcdefABCDEF"], envFor(ctx, eventFile, status, "")).trimEnd();
      payloads.pagerduty.push({ label: `pagerduty ${name}/${status}`, text: line, json: JSON.parse(line) });
    } catch (e) {
      fail(`pagerduty ${name}/${status}`, `crier failed: ${e.stderr ?? e}`);
    }
  }
}

// ---------------------------------------------------------------- TypeScript definitions
function typeCheck(file, importLine, typeName, list) {
  const body = list
    .map((p, i) => `// ${p.label}\nexport const p${i} = ${p.text} satisfies ${typeName};\n`)
    .join("");
  writeFileSync(join(work, file), `${importLine}\n${body}`);
}
typeCheck("slack.ts", 'import type { IncomingWebhookSendArguments } from "@slack/webhook";', "IncomingWebhookSendArguments", payloads.slack);
typeCheck("discord.ts", 'import type { RESTPostAPIWebhookWithTokenJSONBody } from "discord-api-types/v10";', "RESTPostAPIWebhookWithTokenJSONBody", payloads.discord);
typeCheck("telegram.ts", 'import type { ApiMethods } from "@grammyjs/types";\ntype SendMessage = Parameters<ApiMethods<never>["sendMessage"]>[0];', "SendMessage", payloads.telegram);
// The type requires `payload`, which the Events API requires only of a trigger.
typeCheck("pagerduty.ts", 'import type { EventPayloadV2 } from "@pagerduty/pdjs/build/src/events.js";', "EventPayloadV2", payloads.pagerduty.filter((p) => p.json.event_action === "trigger"));
// An incoming webhook takes a message's text, alias, avatar and channel (Rocket.Chat's
// "Integrations" docs) and attachments as messages carry them.
typeCheck("rocketchat.ts", `import type { MessageAttachmentDefault } from "@rocket.chat/core-typings";
type Hook = { text: string; alias?: string; avatar?: string; channel?: string; attachments?: MessageAttachmentDefault[] };`, "Hook", payloads.rocketchat);
writeFileSync(join(work, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    strict: true, noEmit: true, skipLibCheck: true, target: "es2022", module: "nodenext",
    moduleResolution: "nodenext", typeRoots: [], baseUrl: here, paths: { "*": [join(here, "node_modules", "*")] },
  },
  files: ["slack.ts", "discord.ts", "telegram.ts", "pagerduty.ts", "rocketchat.ts"],
}));
try {
  execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", join(work, "tsconfig.json")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
} catch (e) {
  fail("tsc", (e.stdout || "") + (e.stderr || ""));
}

// ---------------------------------------------------------------- Adaptive Cards
const Ajv = require("ajv");
const { adaptiveCardSchema } = require("adaptivecards-designer/lib/adaptive-card-schema.js");
const schema = JSON.parse(JSON.stringify(adaptiveCardSchema));
schema.$id = schema.id; // draft-04 style `id`, which ajv 8 wants as `$id`
delete schema.id;
delete schema.$schema;
const validateCard = new Ajv({ strict: false, allErrors: true }).compile(schema);
const AC = require("adaptivecards/dist/adaptivecards.min.js");

function checkCard(label, card, maxVersion) {
  if (!validateCard(card)) {
    fail(label, `Adaptive Card schema: ${JSON.stringify(validateCard.errors.slice(0, 3))}`);
  }
  if (!(parseFloat(card.version) <= maxVersion)) fail(label, `card version ${card.version} above ${maxVersion}`);
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  parsed.parse(card, ctx);
  for (let i = 0; i < ctx.eventCount; i++) fail(label, `adaptivecards SDK: ${ctx.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) fail(label, `adaptivecards SDK: ${e.message}`);
}

for (const p of payloads.teams) {
  const m = p.json;
  if (m.type !== "message" || !Array.isArray(m.attachments) || m.attachments.length !== 1) fail(p.label, "not a Workflows message envelope");
  const a = m.attachments[0];
  if (a.contentType !== "application/vnd.microsoft.card.adaptive") fail(p.label, `contentType ${a.contentType}`);
  checkCard(p.label, a.content, 1.4);
  if (Buffer.byteLength(p.text) > 28 * 1024) fail(p.label, `${Buffer.byteLength(p.text)} bytes, over 28 KB`);
}
for (const p of payloads.ringcentral) {
  if (typeof p.json.activity !== "string" || !p.json.activity) fail(p.label, "no activity");
  if (!Array.isArray(p.json.attachments) || !p.json.attachments.length) fail(p.label, "no attachments");
  for (const card of p.json.attachments ?? []) checkCard(p.label, card, 1.3);
}

// ---------------------------------------------------------------- limits and mentions
const len = (s) => [...(s ?? "")].length;
for (const p of payloads.slack) {
  const groups = [p.json.blocks ?? [], ...(p.json.attachments ?? []).map((a) => a.blocks ?? [])];
  for (const blocks of groups) {
    if (blocks.length > 50) fail(p.label, `${blocks.length} blocks`);
    for (const b of blocks) {
      const texts = [b.text?.text, ...(b.fields ?? []).map((f) => f.text)].filter((t) => t !== undefined);
      for (const t of texts) {
        if (!t) fail(p.label, `empty text in a ${b.type} block`);
        if (len(t) > (b.type === "header" ? 150 : 3000)) fail(p.label, `${len(t)} characters in a ${b.type} block`);
        if (/<!(channel|here|everyone)>/.test(t)) fail(p.label, "user text can ping the channel");
      }
    }
  }
}
for (const p of payloads.discord) {
  const m = p.json;
  if (!m.allowed_mentions) fail(p.label, "no allowed_mentions");
  if ((m.allowed_mentions?.parse ?? []).length) fail(p.label, "allowed_mentions lets user text ping");
  if (len(m.content) > 2000) fail(p.label, "content over 2000");
  let total = 0;
  for (const e of m.embeds ?? []) {
    if (len(e.title) > 256) fail(p.label, "title over 256");
    if (len(e.description) > 4096) fail(p.label, "description over 4096");
    if ((e.fields ?? []).length > 25) fail(p.label, "over 25 fields");
    for (const f of e.fields ?? []) {
      if (!f.name || !f.value) fail(p.label, "empty field");
      if (len(f.name) > 256 || len(f.value) > 1024) fail(p.label, "field over its limit");
      total += len(f.name) + len(f.value);
    }
    if (len(e.footer?.text) > 2048) fail(p.label, "footer over 2048");
    total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  }
  if (total > 6000) fail(p.label, `embeds hold ${total} characters, over 6000`);
}
for (const p of payloads.googlechat) {
  if (Buffer.byteLength(p.text) > 32000) fail(p.label, "over 32,000 bytes");
  if (!p.json.text || !p.json.cardsV2?.[0]?.card?.header?.title) fail(p.label, "no text or card header");
  if (p.json.text.includes("<users/all>")) fail(p.label, "user text can mention everyone");
}
for (const p of payloads.mattermost) {
  const a = p.json.attachments?.[0] ?? {};
  const texts = [a.title, a.text, a.fallback, a.footer, ...(a.fields ?? []).map((f) => f.value)].join("\n");
  if (/@(channel|all|here)\b|<!(channel|here|all)>/.test(texts)) fail(p.label, "user text can notify the channel");
  if (len(a.text) > 16383) fail(p.label, "text over 16,383");
}

for (const p of payloads.telegram) {
  // The limit counts the text after entities are parsed: strip the tags, undo the escapes.
  const visible = p.json.text.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  if (len(visible) > 4096) fail(p.label, `${len(visible)} characters of text, over 4096`);
  if (p.json.parse_mode !== "HTML") fail(p.label, "not HTML");
  const tags = p.json.text.match(/<\/?([a-z-]+)[^>]*>/g) ?? [];
  for (const t of tags) if (!/^<\/?(b|i|u|s|code|pre|a|blockquote)( href="[^"<>]*")?>$/.test(t)) fail(p.label, `tag ${t} is not one Telegram reads`);
  if (p.json.text.includes("<a href=\"https://evil")) fail(p.label, "user text made a link");
}

for (const p of payloads.pagerduty) {
  const e = p.json;
  if (!["trigger", "resolve"].includes(e.event_action)) fail(p.label, `event_action ${e.event_action}`);
  if (!e.dedup_key || len(e.dedup_key) > 255) fail(p.label, "no dedup_key, or over 255 characters");
  if (e.event_action === "trigger" && len(e.payload?.summary) > 1024) fail(p.label, "summary over 1024");
  if (Buffer.byteLength(p.text) > 512 * 1024) fail(p.label, "over 512 KB");
}
const dedup = (status) => payloads.pagerduty.filter((p) => p.label.endsWith(status)).map((p) => p.json.dedup_key);
if (dedup("failure").join() !== dedup("success").join()) fail("pagerduty", "a success does not resolve its failure's incident");

rmSync(work, { recursive: true, force: true });
const checked = Object.values(payloads).reduce((n, l) => n + l.length, 0);
if (failures.length) {
  console.error(failures.slice(0, 40).join("\n"));
  console.error(`${failures.length} problem(s) in ${checked} payloads`);
  console.log(`validate: 0 passed, ${failures.length} failed`);
  process.exit(1);
}
console.log(`validate: ${checked} passed, 0 failed`);
