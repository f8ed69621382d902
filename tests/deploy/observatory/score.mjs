// Score one page of a site with the MDN HTTP Observatory's own tests and grader.
//
//   node score.mjs <hostname> <https port> <http port> <path>
//
// The scanner's command line takes a host name only (ports 80 and 443, the path "/"); its
// retriever takes ports and a path, so this runs the same steps as its scan() with them:
// retrieve, every test of ALL_TESTS, the score with extra credit past an A, the grade.
// Prints the result as JSON: {score, grade, tests: {name: {pass, result, scoreModifier}}}.

import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import {
  getGradeForScore,
  getScoreModifier,
} from "@mdn/mdn-http-observatory/src/grader/grader.js";

const [hostname, httpsPort, httpPort, path] = process.argv.slice(2);
const retrieved = await retrieve(hostname, { httpsPort, httpPort, path });
if (!retrieved.responses.auto) {
  console.log(JSON.stringify({ error: "the site does not answer" }));
  process.exit(1);
}
let withCredit = 100;
let uncurved = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const outcome = test(retrieved);
  const modifier = outcome.result ? getScoreModifier(outcome.result) : 0;
  withCredit += modifier;
  if (modifier < 0) uncurved += modifier;
  tests[outcome.constructor.name] = {
    pass: outcome.pass,
    result: outcome.result,
    scoreModifier: modifier,
  };
}
const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : uncurved;
const final = getGradeForScore(score);
console.log(
  JSON.stringify({
    status: retrieved.responses.auto.status,
    score: final.score,
    grade: final.grade,
    tests,
  })
);
