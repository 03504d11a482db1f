/** An error the CLI prints as it is (one clear line, no stack) before exiting with status 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
