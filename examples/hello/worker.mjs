// A worker that polls web every second and exits 1 about once every CRASH_EVERY polls,
// so berth's restart policy has something to do.
const url = process.env.HELLO_URL ?? 'http://127.0.0.1:8080/';
const crashEvery = Math.max(1, Number(process.env.CRASH_EVERY ?? 15));
let n = 0;
setInterval(async () => {
  n += 1;
  try {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
    console.log(`worker poll ${n}: ${text.trim()}`);
  } catch (e) {
    console.log(`worker poll ${n}: ${e instanceof Error ? e.message : e}`);
  }
  if (Math.random() < 1 / crashEvery) {
    console.error('worker: simulated crash');
    process.exit(1);
  }
}, 1000);
