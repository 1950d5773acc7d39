// `npm start`'s options for the packed LeNet and Fashion-MNIST: what each combination means, what is refused
// and why, and the message for a missing data file.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLeNetConfig } from '../app/training.ts';
import { readTrainArgs } from '../app/cli/args.ts';

const tsx = ['node_modules/.bin/tsx', 'app/cli/train.ts'];

describe('npm start -- --model / --data / --data-dir', () => {
  it('says how to get a missing file, and refuses options that do not fit the model or data', () => {
    const missing = spawnSync(tsx[0], [tsx[1], '--data', 'fashion-mnist', '--data-dir', join(tmpdir(), 'no-such-folder')], { encoding: 'utf8' });
    expect(missing.status).toBe(1); // a run-time error, not a usage error
    expect(missing.stderr).toMatch(/train-images-idx3-ubyte.gz not found .*apt-get install dataset-fashion-mnist.*--data-dir/);
    const read = (argv: string[]) => {
      const args = readTrainArgs(argv);
      if (args.help) throw new Error('unexpected --help');
      return args;
    };
    expect(read(['--data', 'fashion-mnist']).job).toEqual({ model: 'packed-lenet', config: defaultLeNetConfig });
    expect(read(['--model', 'packed-lenet'])).toMatchObject({ data: 'fashion-mnist', job: { model: 'packed-lenet' } });
    expect(read([]).job.model).toBe('mlp');
    for (const [argv, message] of [
      [['--model', 'packed-lenet', '--data', 'digits'], '--model packed-lenet needs images of at least 12x12'],
      [['--model', 'packed-lenet', '--hidden', '64'], '--hidden does not apply to --model packed-lenet'],
      [['--model', 'packed-lenet', '--precision', 'f16'], '--precision does not apply to --model packed-lenet'],
      [['--norm', 'batchnorm'], '--norm does not apply to --model mlp'],
      [['--model', 'packed-lenet', '--norm', 'group'], "--norm must be one of batchnorm, identity, got 'group'"],
      [['--data-dir', '/tmp'], '--data-dir applies to --data fashion-mnist'],
      [['--model', 'resnet'], "--model must be one of mlp, packed-lenet, got 'resnet'"],
      [['--data', 'cifar10'], "--data must be one of digits, fashion-mnist, got 'cifar10'"],
    ] as const) {
      expect(() => read([...argv]), argv.join(' ')).toThrow(message);
    }
  });
});
