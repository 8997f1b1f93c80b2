import { SERVICES } from '@alphintra/platform-database';
import { parseTopologyArgs, UsageError } from './migrate-topology.command';

describe('ops migrate-topology arguments', () => {
  it('reads the move, its services and its mode', () => {
    expect(parseTopologyArgs(['--from', 'separate', '--to', 'schemas'])).toEqual({ from: 'separate', to: 'schemas', services: [...SERVICES], mode: 'move', forceEmptyCheck: false });
    expect(parseTopologyArgs(['--from', 'domains', '--to', 'separate', '--services', 'risk, trading,risk', '--force-empty-check'])).toMatchObject({
      services: ['risk', 'trading'],
      mode: 'move',
      forceEmptyCheck: true,
    });
    expect(parseTopologyArgs(['--from', 'schemas', '--to', 'domains', '--verify']).mode).toBe('verify');
    expect(parseTopologyArgs(['--from', 'schemas', '--to', 'domains', '--drop-source']).mode).toBe('drop-source');
  });

  it.each([
    [['--to', 'schemas'], /--from must be one of separate, domains, schemas, got nothing/],
    [['--from', 'central', '--to', 'schemas'], /--from must be one of .*got "central"/],
    [['--from', 'schemas', '--to', 'schemas'], /--from and --to are both schemas/],
    [['--from', 'separate', '--to', 'schemas', '--services', 'trading,ledger'], /--services: unknown service ledger/],
    [['--from', 'separate', '--to', 'schemas', '--verify', '--drop-source'], /--verify and --drop-source do not go together/],
    [['--from', 'separate', '--to', 'schemas', '--force'], /Unknown option '--force'/],
  ])('refuses %j', (args, message) => {
    expect(() => parseTopologyArgs(args)).toThrow(UsageError);
    expect(() => parseTopologyArgs(args)).toThrow(message);
  });
});
