/** Entry point of the berth CLI: parses argv and returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  console.log('berth', argv.join(' '));
  return 0;
}
