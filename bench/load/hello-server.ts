// The reference of `npm run bench:load`: the least an Express 5 app can do per request, on the
// same Node and the same loopback as Barometer. It listens on a free port of 127.0.0.1 and says
// where on stdout, in the line the benchmark waits for.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.send('hello');
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`Reference is running at http://127.0.0.1:${port}/`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
