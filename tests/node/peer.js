// grpc-js as a client of the probe service (tests/proto/probe.proto):
//   node peer.js TARGET SCENARIO COUNT
// Runs COUNT calls of SCENARIO one after another and prints one line per call:
// `call<TAB>index<TAB>status code grpc-js reported`. Scenarios:
//   upload-complete   2 messages, end(): a complete upload
//   upload-cancel     2 messages, then cancel() without end()
//   upload-end-cancel 2 messages, end(), then cancel() at once
//   echo-cancel       2 messages, wait for their 2 echoes, then cancel()
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [target, scenario, countText] = process.argv.slice(2);
const count = Number(countText);
const proto = path.join(__dirname, '..', 'proto', 'probe.proto');
const probe = grpc.loadPackageDefinition(loader.loadSync(proto)).probe;
const client = new probe.Probe(target, grpc.credentials.createInsecure());

function upload(finish) {
  return new Promise((resolve) => {
    const call = client.upload((err) => resolve(err ? err.code : grpc.status.OK));
    call.write({ seq: 0 });
    call.write({ seq: 1 });
    finish(call);
  });
}

function echoCancel() {
  return new Promise((resolve) => {
    const call = client.echo();
    let echoed = 0;
    call.on('data', () => {
      echoed += 1;
      if (echoed === 2) call.cancel();
    });
    call.on('error', (err) => resolve(err.code));
    call.on('status', (status) => {
      if (status.code === grpc.status.OK) resolve(grpc.status.OK);
    });
    call.write({ seq: 0 });
    call.write({ seq: 1 });
  });
}

const scenarios = {
  'upload-complete': () => upload((call) => call.end()),
  'upload-cancel': () => upload((call) => setImmediate(() => call.cancel())),
  'upload-end-cancel': () =>
    upload((call) => {
      call.end();
      call.cancel();
    }),
  'echo-cancel': echoCancel,
};

async function main() {
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}`);
  for (let i = 0; i < count; i += 1) {
    const code = await run();
    process.stdout.write(`call\t${i}\t${code}\n`);
  }
  client.close();
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
