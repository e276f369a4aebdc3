// Copy the browser builds the dashboard needs from node_modules into vigil/web/static/vendor/,
// with their licence files. Run `npm ci && npm run build` after changing package.json.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "vigil", "web", "static", "vendor");
const files = {
  cytoscape: ["dist/cytoscape.min.js", "LICENSE"],
  echarts: ["dist/echarts.min.js", "LICENSE", "NOTICE"],
};

rmSync(out, { recursive: true, force: true });
const versions = {};
for (const [pkg, list] of Object.entries(files)) {
  const root = join(here, "node_modules", pkg);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  versions[pkg] = { version: meta.version, license: meta.license, files: [] };
  mkdirSync(join(out, pkg), { recursive: true });
  for (const rel of list) {
    const name = rel.split("/").pop();
    copyFileSync(join(root, rel), join(out, pkg, name));
    versions[pkg].files.push(`${pkg}/${name}`);
  }
}
writeFileSync(join(out, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored ${Object.keys(versions).join(", ")} into ${out}`);
