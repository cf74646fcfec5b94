export { initial } from './0001-initial.js';
