// Posts a signed test delivery to the local receiver, as Prolope would.
// Run with the same secret as the server: PROLOPE_WEBHOOK_SECRET=whsec_... node send-test.js
import { signHeaders } from "@prolope/webhooks";

const secret = process.env.PROLOPE_WEBHOOK_SECRET;
if (!secret)
	throw new Error("Set PROLOPE_WEBHOOK_SECRET to the secret the server uses.");
const url =
	process.env.WEBHOOK_URL ??
	`http://localhost:${process.env.PORT ?? 4000}/webhooks/prolope`;

const event = {
	id: `evt_test_${Date.now()}`,
	object: "event",
	type: "account.created",
	created_at: new Date().toISOString(),
	account_id: "acct_test",
	data: {
		object: { id: "acct_test", object: "account", name: "Test account" },
	},
};
// Sign the exact string that is sent.
const body = JSON.stringify(event);

const response = await fetch(url, {
	method: "POST",
	headers: {
		"content-type": "application/json",
		...signHeaders({ id: event.id, payload: body, secret }),
	},
	body,
});
console.log(`${response.status} ${await response.text()}`);
