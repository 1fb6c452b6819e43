// A tiny HTTP service for the hello stack: GET / greets, GET /health answers 200.
import { createServer } from 'node:http';

const port = Number(process.env.HELLO_PORT ?? 8080);
let hits = 0;
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  hits += 1;
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from berth (request ${hits})\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`web listening on http://127.0.0.1:${port}/`));
process.on('SIGTERM', () => {
  console.log('web: SIGTERM, closing');
  server.close(() => process.exit(0));
});
