/** `--name N` from the bench's command line, else the fallback. */
export function numberOption(name: string, fallback: number, args = process.argv.slice(2)): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}
