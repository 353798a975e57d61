/**
 * The `podbay` command. This is a composition root: it reads argv and the environment, picks
 * implementations and wires modules together; the modules themselves never read either.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error. Errors go to stderr in one sentence.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { imageImport, imageList, imageRemove, type ImageCommandIO } from '../cli/index.ts';
import { ImageStore } from '../kubelet/images/index.ts';
import { Quantity, QuantityError } from '../api/index.ts';
import { parseIPv4CIDR } from '../kubelet/network/index.ts';
import { runServer } from './server.ts';
import { errorMessage } from '../util/index.ts';

/** A failure to report to the user: one sentence, exit code 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A TCP port number, 0 to 65535. */
function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) {
    throw new InvalidArgumentError('It must be a port number from 0 to 65535.');
  }
  return n;
}

/** An IPv4 network for the pods, checked before anything starts. */
function parsePodCIDR(value: string): string {
  try {
    parseIPv4CIDR(value);
  } catch (err) {
    // parseIPv4CIDR's sentence starts with what commander already says ('… is invalid').
    const why = errorMessage(err).replace(/^[^:]*: /, '');
    throw new InvalidArgumentError(`${why.charAt(0).toUpperCase()}${why.slice(1)}.`);
  }
  return value;
}

/** A byte quantity (`10Mi`, `500Ki`, `1048576`), as the kubelet's containerLogMaxSize. */
function parseLogMaxSize(value: string): number {
  const q = Quantity.tryParse(value);
  const bytes = q instanceof QuantityError ? undefined : q.value();
  if (bytes === undefined || bytes <= 0n || bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError('It must be a positive size such as 10Mi.');
  }
  return Number(bytes);
}

function parseLogMaxFiles(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 2 || n > 1000) {
    throw new InvalidArgumentError('It must be a whole number from 2 to 1000.');
  }
  return n;
}

function fail(err: unknown): never {
  const message = errorMessage(err);
  process.stderr.write(`podbay: ${message}\n`);
  process.exit(err instanceof CommanderError ? 2 : 1);
}

function buildProgram(): Command {
  const program = new Command('podbay')
    .description('Kubernetes Pods, for real, on one Linux machine or many.')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `podbay: ${s.slice(7)}` : s),
    })
    .showHelpAfterError('(run podbay --help for usage)');

  program
    .command('server')
    .description('Run the control plane and, unless --no-agent, a node agent for this machine.')
    .option(
      '--data-dir <dir>',
      'where state, certificates and the kubeconfig live',
      '/var/lib/podbay',
    )
    .option('--listen <host:port>', 'address of the API server', '127.0.0.1:6443')
    .option(
      '--store <url>',
      'state store: sqlite://PATH or memory:// (default sqlite://DIR/state.db)',
    )
    .option('--node-name <name>', "name of this machine's node")
    .option(
      '--kubelet-port <port>',
      "port of the node agent's kubelet API (0: any free port)",
      parsePort,
      10250,
    )
    .option(
      '--pod-manifest-path <dir>',
      'static pods: a directory of pod manifests (or one manifest file) the node agent runs',
    )
    .option(
      '--pod-cidr <cidr>',
      "IPv4 range of this node's pod IPs (default 10.244.0.0/24); give each server on one machine its own",
      parsePodCIDR,
    )
    .option(
      '--container-log-max-size <quantity>',
      "rotate a container's log file once it reaches this size (default 10Mi)",
      parseLogMaxSize,
    )
    .option(
      '--container-log-max-files <n>',
      'log files kept per container, the current one included (default 5, at least 2)',
      parseLogMaxFiles,
    )
    .addOption(new Option('--no-agent', 'run the control plane only'))
    .action(
      async (
        opts: {
          dataDir: string;
          listen: string;
          store?: string;
          nodeName?: string;
          kubeletPort: number;
          podManifestPath?: string;
          podCidr?: string;
          containerLogMaxSize?: number;
          containerLogMaxFiles?: number;
          agent: boolean;
        },
        cmd: Command,
      ) => {
        for (const [flag, value] of [
          ['--pod-manifest-path', opts.podManifestPath],
          ['--pod-cidr', opts.podCidr],
          ['--container-log-max-size', opts.containerLogMaxSize],
          ['--container-log-max-files', opts.containerLogMaxFiles],
        ] as const) {
          if (value !== undefined && !opts.agent) {
            cmd.error(`error: ${flag} needs the node agent; drop --no-agent`, {
              exitCode: 2,
              code: 'podbay.usage',
            });
          }
        }
        await runServer({
          dataDir: opts.dataDir,
          listen: opts.listen,
          ...(opts.store !== undefined ? { store: opts.store } : {}),
          ...(opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}),
          ...(opts.podManifestPath !== undefined ? { podManifestPath: opts.podManifestPath } : {}),
          ...(opts.podCidr !== undefined ? { podCIDR: opts.podCidr } : {}),
          containerLogs: {
            ...(opts.containerLogMaxSize !== undefined
              ? { maxSize: opts.containerLogMaxSize }
              : {}),
            ...(opts.containerLogMaxFiles !== undefined
              ? { maxFiles: opts.containerLogMaxFiles }
              : {}),
          },
          agent: opts.agent,
          kubeletPort: opts.kubeletPort,
        });
      },
    );
  addImageCommands(program);
  return program;
}

/** `podbay image import|ls|rm` on the image store of the node whose data dir is --data-dir. */
function addImageCommands(program: Command): void {
  const image = program
    .command('image')
    .description("Manage the node's images: import archives, list, remove.");
  const dataDir = (): Option =>
    new Option('--data-dir <dir>', "the node's data directory").default('/var/lib/podbay');
  const io = (opts: { dataDir: string }): ImageCommandIO => ({
    store: new ImageStore({ dataDir: opts.dataDir }),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
  image
    .command('import')
    .description('Load docker-archive, OCI archive or (with --name) root filesystem tarballs.')
    .addOption(dataDir())
    .option('--name <ref>', 'name for a root filesystem tarball (or a one-image archive)')
    .argument('<file...>', 'archives to import')
    .action(async (files: string[], opts: { dataDir: string; name?: string }) => {
      process.exitCode = await imageImport(io(opts), files, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
      });
    });
  image
    .command('ls')
    .alias('list')
    .description('List the images.')
    .addOption(dataDir())
    .option('-q, --quiet', 'print image ids only')
    .action(async (opts: { dataDir: string; quiet?: boolean }) => {
      process.exitCode = await imageList(io(opts), { quiet: opts.quiet === true });
    });
  image
    .command('rm')
    .alias('remove')
    .description('Remove images by name or id (an image in use by a container stays).')
    .addOption(dataDir())
    .argument('<ref...>', 'image names or ids')
    .action(async (refs: string[], opts: { dataDir: string }) => {
      process.exitCode = await imageRemove(io(opts), refs);
    });
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        process.exit(0);
      process.exit(2);
    }
    fail(err);
  }
}

await main(process.argv.slice(2));
