// Repeats in the browser, as survey_app/surveys/instances.py and repeats.py have them on
// the server: the same copies of each question per instance, the same renaming, the same
// adding and removing. Pure functions of the survey's steps and the answers; survey.js
// puts them on the page.
(function () {
  "use strict";

  // Repeats, as instances.py expands them: a copy of each question per instance, named
  // "members[2]/age", its conditions naming the same instance's answers; position(..) is
  // the instance's number. The repeat's own id answers how many instances there are.
  var POSITION = "__position__";
  // instances.PATTERN_NUMBER: the number the page's pattern of one instance carries.
  var PATTERN = "999999";

  function instanceKey(repeat, number, id) { return repeat + "[" + number + "]/" + id; }

  function renamed(tree, names, number) {
    if (!tree) { return tree; }
    if (tree[0] === "ref") {
      if (tree[1] === POSITION) { return ["num", number]; }
      return ["ref", names[tree[1]] || tree[1]];
    }
    if (tree[0] === "bin") { return ["bin", tree[1], renamed(tree[2], names, number), renamed(tree[3], names, number)]; }
    if (tree[0] === "neg") { return ["neg", renamed(tree[1], names, number)]; }
    if (tree[0] === "call") {
      return ["call", tree[1], tree[2].map(function (arg) { return renamed(arg, names, number); })];
    }
    return tree;
  }

  function howMany(value, most) {
    var number = Number(value);
    if (value === "" || !isFinite(number)) { return 0; }
    return Math.max(0, Math.min(Math.trunc(number), most));
  }

  // After a repeat, its answers are read as a set (expressions.aggregated): sum(${age})
  // adds each instance's, max()/min() over them, count() is how many, ${age} the first's.
  function aggregated(tree, copies, counts) {
    if (!tree) { return tree; }
    if (tree[0] === "call" && tree[1] === "indexed-repeat" && tree[2][0][0] === "ref" &&
        copies.hasOwnProperty(tree[2][0][1])) {
      var keys = copies[tree[2][0][1]];
      var index = aggregated(tree[2][2], copies, counts);
      var chosen = ["str", ""];
      for (var number = keys.length; number >= 1; number -= 1) {
        chosen = ["call", "if", [["bin", "=", index, ["num", number]], ["ref", keys[number - 1]], chosen]];
      }
      return chosen;
    }
    if (tree[0] === "call" && tree[2].length === 1 && tree[2][0][0] === "ref") {
      var name = tree[2][0][1];
      if (tree[1] === "count" && counts.hasOwnProperty(name)) { return ["num", counts[name]]; }
      if (copies.hasOwnProperty(name)) {
        var refs = copies[name].map(function (key) { return ["ref", key]; });
        if (tree[1] === "count") { return ["num", refs.length]; }
        if (tree[1] === "sum") {
          return refs.reduce(function (total, ref) { return ["bin", "+", total, ref]; }, ["num", 0]);
        }
        if (tree[1] === "max" || tree[1] === "min") {
          return refs.length ? ["call", tree[1], refs] : ["call", "number", [["str", ""]]];
        }
      }
    }
    if (tree[0] === "ref" && copies.hasOwnProperty(tree[1])) {
      return copies[tree[1]].length ? ["ref", copies[tree[1]][0]] : ["str", ""];
    }
    if (tree[0] === "bin") { return ["bin", tree[1], aggregated(tree[2], copies, counts), aggregated(tree[3], copies, counts)]; }
    if (tree[0] === "neg") { return ["neg", aggregated(tree[1], copies, counts)]; }
    if (tree[0] === "call") {
      return ["call", tree[1], tree[2].map(function (arg) { return aggregated(arg, copies, counts); })];
    }
    return tree;
  }

  function aggregatedStep(step, copies, counts) {
    if (!Object.keys(counts).length) { return step; }
    var over = function (tree) { return aggregated(tree, copies, counts); };
    return Object.assign({}, step, {
      relevant: over(step.relevant),
      repeat: step.repeat ? Object.assign({}, step.repeat, { count: over(step.repeat.count) }) : null,
      questions: step.questions.map(function (q) {
        return Object.assign({}, q, {
          relevant: over(q.relevant), constraint: over(q.constraint), calculation: over(q.calculation)
        });
      })
    });
  }

  // The survey's steps for these answers; effectiveOver(steps, raw) gives the answers that
  // count over the steps so far, as the page works them out.
  function expandSteps(formSteps, raw, effectiveOver) {
    var steps = [];
    var copiesOf = {};
    var counts = {};
    formSteps.forEach(function (formStep) {
      var step = aggregatedStep(formStep, copiesOf, counts);
      if (!step.repeat) { steps.push(step); return; }
      var wanted = step.repeat.count ?
        WMExpressions.value(step.repeat.count, effectiveOver(steps, raw)) :
        (raw[step.id] || ["1"])[0];
      var number = howMany(wanted, step.repeat.max);
      var copies = [{
        id: step.id, type: "calculate", required: false, relevant: null, constraint: null,
        calculation: ["num", number], read_only: false, "default": null, choices: [], gloss: false,
        hidden: true
      }];
      for (var n = 1; n <= number; n += 1) {
        var names = {};
        step.questions.forEach(function (q) { names[q.id] = instanceKey(step.id, n, q.id); });
        step.questions.forEach(function (q) {
          copies.push(Object.assign({}, q, {
            id: names[q.id], instance: n,
            relevant: renamed(q.relevant, names, n), constraint: renamed(q.constraint, names, n),
            calculation: renamed(q.calculation, names, n)
          }));
        });
      }
      steps.push(Object.assign({}, step, { questions: copies, instances: number }));
      counts[step.id] = number;
      step.questions.forEach(function (q) {
        copiesOf[q.id] = [];
        for (var k = 1; k <= number; k += 1) { copiesOf[q.id].push(instanceKey(step.id, k, q.id)); }
      });
    });
    return steps;
  }

  // "Add another" and "Remove this one", as the server's repeats.changed(): removing one
  // moves the later instances up, so each answer stays with its person. Returns the new
  // answers and the instance to focus, or null when the action changes nothing.
  var PARTS = ["", "__gloss", "__language", "__lat", "__lon", "__alt", "__acc"];
  function changed(step, own, raw, action) {
    var parts = action.split(":");
    var number = step.instances;
    if (parts[0] === "add") {
      raw[step.id] = [String(Math.min(number + 1, step.repeat.max))];
      return { raw: raw, focus: number + 1 };
    }
    var gone = Number(parts[2]);
    if (!(gone >= 1 && gone <= number)) { return null; }
    for (var later = gone; later < number; later += 1) {
      own.forEach(function (id) {
        PARTS.forEach(function (part) {
          var from = instanceKey(step.id, later + 1, id) + part;
          var to = instanceKey(step.id, later, id) + part;
          if (raw[from]) { raw[to] = raw[from]; } else { delete raw[to]; }
          delete raw[from];
        });
      });
    }
    own.forEach(function (id) {
      PARTS.forEach(function (part) { delete raw[instanceKey(step.id, number, id) + part]; });
    });
    raw[step.id] = [String(number - 1)];
    return { raw: raw, focus: null };
  }

  window.WMRepeats = { PATTERN: PATTERN, expandSteps: expandSteps, changed: changed };
})();
