/** Command-line flags of the bench's standalone server scripts (`--name value`). */

/** The value after `name` on this process's command line, if given. */
export function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The value after `name`; without it the script says so and exits with 2. */
export function requiredFlag(program: string, name: string): string {
  const value = flag(name);
  if (value === undefined) {
    console.error(`${program}: ${name} is required`);
    process.exit(2);
  }
  return value;
}
