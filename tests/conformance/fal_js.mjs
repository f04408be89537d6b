// The seed page's calls through the unmodified @fal-ai/client, pointed at the emulator only
// through its public configuration: a requestMiddleware that maps fal's hosts to the emulator.
//
// Environment: FAL_KEY (read by the client itself), FAL_HOSTS (JSON: fal host -> base URL),
// ENDPOINT_ID, WEBHOOK_URL, BIG_MIB (size of the multipart upload). Prints one JSON object:
// call name -> {ok: true, value} or {ok: false, error: {name, status, body}}.
import { createHash } from "node:crypto";
import { fal, ApiError, ValidationError } from "@fal-ai/client";

const hosts = JSON.parse(process.env.FAL_HOSTS);
const eid = process.env.ENDPOINT_ID;
const input = {
  prompt: 'A king walks slowly and says "My people, here I am! I am here to save you all"',
  start_image_url: "https://v3b.fal.media/files/b/0a84ab29/BSJXz9Ht-jgRgMf4IGxLU_upscaled.png",
};

function toEmulator(url) {
  const parsed = new URL(url);
  const base = hosts[parsed.host];
  if (base === undefined) return url;
  return base.replace(/\/$/, "") + parsed.pathname + parsed.search;
}

fal.config({
  requestMiddleware: async (request) => ({ ...request, url: toEmulator(request.url) }),
});

const sha256 = async (blob) =>
  createHash("sha256")
    .update(Buffer.from(await blob.arrayBuffer()))
    .digest("hex");

function failure(error) {
  return {
    name: error?.name,
    validation: error instanceof ValidationError,
    api: error instanceof ApiError,
    status: error?.status,
    body: error?.body,
    message: String(error?.message ?? error),
  };
}

const out = {};
async function call(name, fn) {
  try {
    out[name] = { ok: true, value: await fn() };
  } catch (error) {
    out[name] = { ok: false, error: failure(error) };
  }
}

const pollInterval = 10;

await call("subscribe", async () => {
  const updates = [];
  const result = await fal.subscribe(eid, {
    input,
    logs: true,
    pollInterval,
    onQueueUpdate: (update) => updates.push({ status: update.status, logs: update.logs ?? null }),
  });
  return { result, updates };
});

await call("submit", () => fal.queue.submit(eid, { input, webhookUrl: process.env.WEBHOOK_URL }));

await call("status", async () => {
  const requestId = out.submit.value.request_id;
  const seen = [];
  for (let i = 0; i < 20; i++) {
    const status = await fal.queue.status(eid, { requestId, logs: true });
    seen.push({ status: status.status, logs: status.logs ?? null });
    if (status.status === "COMPLETED") break;
  }
  return seen;
});

await call("result", () => fal.queue.result(eid, { requestId: out.submit.value.request_id }));

await call("cancel", async () => {
  const { request_id: requestId } = await fal.queue.submit(eid, { input });
  await fal.queue.cancel(eid, { requestId });
  const status = await fal.queue.status(eid, { requestId });
  return { requestId, status: status.status };
});

const small = new File([new TextEncoder().encode("\x89PNG\r\n\x1a\nsmall image")], "king.png", {
  type: "image/png",
});
await call("upload_small", async () => ({
  url: await fal.storage.upload(small),
  sha256: await sha256(small),
}));

const bigBytes = new Uint8Array(Number(process.env.BIG_MIB) * 1024 * 1024);
for (let i = 0; i < bigBytes.length; i += 4096) bigBytes[i] = (i / 4096) % 251;
const big = new Blob([bigBytes], { type: "video/mp4" });
await call("upload_big", async () => ({
  url: await fal.storage.upload(big),
  sha256: await sha256(big),
  size: big.size,
}));

const image = new Blob([new TextEncoder().encode("\x89PNG\r\n\x1a\nauto-uploaded")], {
  type: "image/png",
});
await call("auto_upload", async () => ({
  submitted: await fal.queue.submit(eid, { input: { ...input, start_image_url: image } }),
  sha256: await sha256(image),
}));

await call("run", () => fal.run(eid, { input }));

await call("invalid", () => fal.queue.submit(eid, { input: { prompt: 1 } }));

process.stdout.write(JSON.stringify(out));
