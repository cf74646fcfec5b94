// Your first IVR: "press 1 for sales, 2 for support". See docs/voice.md ("Your first IVR in 5 minutes").
import { createServer } from 'node:http';
import { VoiceResponse } from '@prolope/sdk';
import { verifyVoiceRequest } from '@prolope/webhooks';

const { PORT = '3001', PUBLIC_URL = `http://localhost:${PORT}`, VOICE_SIGNING_SECRET, SALES_NUMBER } = process.env;
if (!VOICE_SIGNING_SECRET) throw new Error("Set VOICE_SIGNING_SECRET to your number's voice.signing_secret.");

createServer(async (req, res) => {
  // Only Prolope knows the number's signing secret: anything else is refused, and the log says why.
  const call = await verifyVoiceRequest(req, VOICE_SIGNING_SECRET).catch((error) => console.warn(error.message));
  if (!call) return void res.writeHead(401).end();
  const step = new URL(req.url, PUBLIC_URL).pathname;
  console.log(`${call.call_id} ${step} ${call.digits ?? call.recording_id ?? ''}`);
  const reply = new VoiceResponse({ baseUrl: PUBLIC_URL });
  if (step === '/menu' && call.digits === '1') SALES_NUMBER ? reply.say('Connecting you to sales.').dial(SALES_NUMBER) : reply.say('Sales is closed.');
  else if (step === '/menu' && call.digits === '2') reply.say('Leave a message after the beep.').record({ actionUrl: '/voicemail', timeoutSeconds: 3 });
  else if (step === '/menu') reply.say('Sorry, that is not an option.').redirect('/voice');
  else if (step === '/voicemail') reply.say('Thank you, support will call you back. Goodbye.');
  else reply.gather({ actionUrl: '/menu', digits: 1 }, (menu) => menu.say('Press 1 for sales, 2 for support.')).say('Goodbye.');
  res.writeHead(200, { 'content-type': 'application/json' }).end(reply.toString());
}).listen(Number(PORT), () => console.log(`First IVR listening on ${PUBLIC_URL}/voice`));
