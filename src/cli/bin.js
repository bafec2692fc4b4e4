#!/usr/bin/env node
// Executable of `maas-conformance`: loads TypeScript through tsx, then runs
// the command line of main.ts.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("./main.ts");
runCli();
