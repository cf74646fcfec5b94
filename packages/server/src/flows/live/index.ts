export { type FlowRoute, routeToFlow } from './route-to-flow.js';
export type { SpeechRecognizer } from './speech.js';
