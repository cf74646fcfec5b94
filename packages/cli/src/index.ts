export { ApiCommand } from './api-command.js';
export { BaseCommand } from './base-command.js';
export { commands } from './commands.js';
export { type CliConfig, configPath, type Profile, readConfig } from './config-file.js';
export { type Credentials, DEFAULT_BASE_URL, resolveCredentials } from './credentials.js';
export { CliError, type CliErrorCode, errorCodes, type ExitCode, exitCodes } from './errors.js';
export { commandIdFor, createOperationCommand, type OperationCommandClass } from './operation-command.js';
