export { startDeliveryWorker } from './start-delivery-worker.js';
export type { DeliveryDeps, DeliveryLog, DeliveryOptions, DeliveryWorker } from './types.js';
