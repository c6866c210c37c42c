import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { readdirSync, statSync } from 'fs';
import { join } from 'path';

/** Every request DTO of every domain (libs/<domain>/*.dto.ts). */
function dtoClasses(): [string, new () => unknown][] {
  const root = join(__dirname, '..');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.dto.ts')) files.push(path);
    }
  };
  walk(root);
  return files.flatMap((file) =>
    Object.entries(require(file) as Record<string, unknown>)
      .filter((e): e is [string, new () => unknown] => typeof e[1] === 'function')
      .map(([name, cls]) => [`${file.slice(root.length + 1)} ${name}`, cls] as [string, new () => unknown]),
  );
}

describe('request DTOs', () => {
  it('every array of nested objects also requires each item to be an object (DESIGN §11)', () => {
    const storage = getMetadataStorage();
    const checked: string[] = [];
    for (const [name, cls] of dtoClasses()) {
      const metas = storage.getTargetValidationMetadatas(cls, '', true, false);
      for (const nested of metas.filter((m) => m.type === 'nestedValidation' && m.each)) {
        const property = `${name}.${nested.propertyName}`;
        checked.push(property);
        const objectsOnly = metas.some(
          (m) => m.propertyName === nested.propertyName && m.name === 'isObject' && m.each,
        );
        expect({ property, objectsOnly }).toEqual({ property, objectsOnly: true });
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(4);
  });
});
