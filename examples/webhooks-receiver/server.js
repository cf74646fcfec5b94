// A webhook receiver on plain node:http. Run: PROLOPE_WEBHOOK_SECRET=whsec_... node server.js
import { createServer } from "node:http";
import {
	generateSecret,
	verifyRequest,
	WebhookVerificationError,
} from "@prolope/webhooks";

const port = Number(process.env.PORT ?? 4000);
let secret = process.env.PROLOPE_WEBHOOK_SECRET;
if (!secret) {
	// Only so the example runs out of the box: a real receiver must fail here.
	secret = generateSecret();
	console.warn(
		`PROLOPE_WEBHOOK_SECRET is not set; using ${secret} for this run.`,
	);
}

// Deliveries are retried until acknowledged, so the same event can arrive twice.
// A real receiver keeps these ids in its database.
const seen = new Set();

const server = createServer(async (req, res) => {
	if (req.method !== "POST" || req.url !== "/webhooks/prolope") {
		res.writeHead(404).end();
		return;
	}
	let event;
	try {
		event = await verifyRequest(req, secret);
	} catch (error) {
		if (error instanceof WebhookVerificationError) {
			console.warn(`Rejected a delivery (${error.code}): ${error.message}`);
			res
				.writeHead(error.code === "body_too_large" ? 413 : 400, {
					"content-type": "text/plain",
				})
				.end(error.code);
		} else {
			// e.g. the client disconnected mid-body
			console.error(error);
			if (!res.headersSent) res.writeHead(500).end();
		}
		return;
	}

	if (!seen.has(event.id)) {
		seen.add(event.id);
		switch (event.type) {
			case "account.created":
				console.log(
					`Account ${event.data.object.id} created: ${event.data.object.name}`,
				);
				break;
			case "api_key.created":
			case "api_key.revoked":
				console.log(
					`${event.type}: key ${event.data.object.name} (${event.data.object.prefix}...)`,
				);
				break;
			default:
				console.log(`Ignoring ${event.type}`);
		}
	}
	// Answer fast; do slow work after acknowledging, or the delivery times out and is retried.
	res.writeHead(204).end();
});

server.listen(port, () =>
	console.log(`Listening on http://localhost:${port}/webhooks/prolope`),
);
