/** The repository root: the first ancestor of the compiled test file holding package.json (works from dist or any dist-NAME build dir). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string {
  let d = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    const up = path.dirname(d);
    if (up === d) throw new Error(`repository root (package.json) not found above ${__dirname}`);
    d = up;
  }
}
