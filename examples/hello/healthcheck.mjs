// Health check for web: exit 0 when GET /health answers 200 within a second.
const port = Number(process.env.HELLO_PORT ?? 8080);
try {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
