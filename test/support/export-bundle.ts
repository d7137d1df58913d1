import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yauzl from 'yauzl';
import yazl from 'yazl';

/** Every entry of a zip, by name, in stored order (test bundles are small). */
export async function readZipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipFile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, z) =>
      error ? reject(error) : resolve(z),
    ),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zipFile.on('entry', (entry: yauzl.Entry) => {
      zipFile.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zipFile.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zipFile.on('end', resolve);
    zipFile.on('error', reject);
    zipFile.readEntry();
  });
  return entries;
}

/** Writes a zip with these entries, as a tamperer would. */
export async function writeZip(path: string, entries: Map<string, Buffer>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name);
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
}
