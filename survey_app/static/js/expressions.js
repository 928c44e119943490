// Skip logic and constraints in the browser. The server parses each XLSForm
// expression once into a tree of plain lists (survey_app/surveys/expressions.py);
// this file evaluates that same tree by the same XPath rules, so a question the
// server would refuse is never shown, online or offline.
(function () {
  "use strict";
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  var NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;  // XPath's number(): no exponent, no "Infinity"

  function number(value) {
    if (typeof value === "boolean") { return value ? 1 : 0; }
    if (typeof value === "number") { return value; }
    var text = value.trim();
    return NUMBER.test(text) ? Number(text) : NaN;
  }

  function string(value) {
    if (typeof value === "boolean") { return value ? "true" : "false"; }
    if (typeof value === "number") { return String(value); }
    return value;
  }

  function boolean(value) {
    if (typeof value === "boolean") { return value; }
    if (typeof value === "number") { return !isNaN(value) && value !== 0; }
    return value !== "";
  }

  function compare(op, left, right) {
    var same;
    if (op === "=" || op === "!=") {
      if (typeof left === "boolean" || typeof right === "boolean") {
        same = boolean(left) === boolean(right);
      } else if (typeof left === "number" || typeof right === "number") {
        same = number(left) === number(right);
      } else {
        same = left === right;
      }
      return op === "=" ? same : !same;
    }
    var x, y;
    if (typeof left === "string" && typeof right === "string" &&
        ISO_DATE.test(left) && ISO_DATE.test(right)) {
      x = left; y = right;
    } else {
      x = number(left); y = number(right);
    }
    if (op === "<") { return x < y; }
    if (op === "<=") { return x <= y; }
    if (op === ">") { return x > y; }
    return x >= y;
  }

  function arithmetic(op, x, y) {
    if (op === "+") { return x + y; }
    if (op === "-") { return x - y; }
    if (op === "*") { return x * y; }
    if (op === "div") { return x / y; }
    return x % y;
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  function evaluate(node, answers, current) {
    var kind = node[0];
    if (kind === "num") { return Number(node[1]); }
    if (kind === "str") { return String(node[1]); }
    if (kind === "ref") { return (answers[node[1]] || []).join(" "); }
    if (kind === "cur") { return (current || []).join(" "); }
    if (kind === "col") { return (answers["@" + node[1]] || []).join(" "); }  // a choice's column
    if (kind === "neg") { return -number(evaluate(node[1], answers, current)); }
    if (kind === "bin") {
      var op = node[1];
      if (op === "and") {
        return boolean(evaluate(node[2], answers, current)) && boolean(evaluate(node[3], answers, current));
      }
      if (op === "or") {
        return boolean(evaluate(node[2], answers, current)) || boolean(evaluate(node[3], answers, current));
      }
      var left = evaluate(node[2], answers, current);
      var right = evaluate(node[3], answers, current);
      if (["=", "!=", "<", "<=", ">", ">="].indexOf(op) !== -1) { return compare(op, left, right); }
      return arithmetic(op, number(left), number(right));
    }
    return call(node[1], node[2], answers, current);
  }

  function words(text) {
    return text.split(/\s+/).filter(function (part) { return part !== ""; });
  }

  // The functions of expression_functions.py, by the same rules.
  function matchesWhole(text, pattern) {
    try { return new RegExp("^(?:" + pattern + ")$", "u").test(text); } catch (e) { return false; }
  }

  function roundHalfUp(x, digits) {
    if (!isFinite(x)) { return x; }
    var scale = Math.pow(10, Math.trunc(digits));
    return Math.floor(x * scale + 0.5) / scale;
  }

  function extreme(numbers, name) {
    if (!numbers.length || numbers.some(isNaN)) { return NaN; }
    return name === "max" ? Math.max.apply(null, numbers) : Math.min.apply(null, numbers);
  }

  function substr(text, start, end) {
    var chars = Array.from(text);
    var begin = isNaN(start) ? 0 : Math.max(0, Math.trunc(start));
    if (end === null) { return chars.slice(begin).join(""); }
    return isNaN(end) ? "" : chars.slice(begin, Math.max(begin, Math.trunc(end))).join("");
  }

  function endsWith(text, end) {
    return text.length >= end.length && text.slice(text.length - end.length) === end;
  }

  function selectedAt(list, index) {
    var parts = words(list);
    return isFinite(index) && index >= 0 && index < parts.length ? parts[Math.trunc(index)] : "";
  }

  function call(name, args, answers, current) {
    var values = args.map(function (arg) { return evaluate(arg, answers, current); });
    switch (name) {
      case "selected": return words(string(values[0])).indexOf(string(values[1]).trim()) !== -1;
      case "count-selected": return words(string(values[0])).length;
      case "string-length":
        // Characters, not UTF-16 units, as Python counts them.
        return Array.from(values.length ? string(values[0]) : (current || []).join(" ")).length;
      case "not": return !boolean(values[0]);
      case "true": return true;
      case "false": return false;
      case "today": return today();
      case "number": return number(values[0]);
      case "int": return isFinite(number(values[0])) ? Math.trunc(number(values[0])) : number(values[0]);
      case "string": return string(values[0]);
      case "concat": return values.map(string).join("");
      case "contains": return string(values[0]).indexOf(string(values[1])) !== -1;
      case "starts-with": return string(values[0]).indexOf(string(values[1])) === 0;
      case "if": return boolean(values[0]) ? values[1] : values[2];
      case "sum": return number(values[0]);
      case "count": return 1;  // one answer; over a repeat's, survey.js counts them
      case "indexed-repeat": return values[0];  // of one answer; survey.js picks over a repeat's
      case "regex": return matchesWhole(string(values[0]), string(values[1]));
      case "round": return roundHalfUp(number(values[0]), values.length > 1 ? number(values[1]) : 0);
      case "floor": return Math.floor(number(values[0]));
      case "ceiling": return Math.ceil(number(values[0]));
      case "abs": return Math.abs(number(values[0]));
      case "pow": return Math.pow(number(values[0]), number(values[1]));
      case "min": case "max": return extreme(values.map(number), name);
      case "substr": return substr(string(values[0]), number(values[1]), values.length > 2 ? number(values[2]) : null);
      case "normalize-space": return string(values[0]).replace(/[ \t\r\n]+/g, " ").replace(/^ | $/g, "");
      case "boolean-from-string": return ["true", "1"].indexOf(string(values[0])) !== -1;
      case "selected-at": return selectedAt(string(values[0]), number(values[1]));
      case "ends-with": return endsWith(string(values[0]), string(values[1]));
      case "boolean": return boolean(values[0]);
      default: return string(values[0]) !== "" ? values[0] : values[1];  // coalesce
    }
  }

  window.WMExpressions = {
    evaluate: evaluate,
    holds: function (tree, answers, current) {
      return !tree || boolean(evaluate(tree, answers, current));
    },
    // Whether a choice with these columns passes a choice_filter (Expression.keeps).
    keeps: function (tree, answers, columns) {
      var given = Object.assign({}, answers);
      Object.keys(columns).forEach(function (name) { given["@" + name] = [columns[name]]; });
      return boolean(evaluate(tree, given, []));
    },
    // A calculate question's value as text (Expression.value): NaN is no value.
    value: function (tree, answers) {
      var text = string(evaluate(tree, answers, []));
      return ["NaN", "Infinity", "-Infinity"].indexOf(text) === -1 ? text : "";
    }
  };
}());
