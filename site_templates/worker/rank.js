/* The review site's ranking of search results (docs/site.md, "Chinese search"), put in front of Material's
 * search worker by scoring/render/site/engine_search.py. An entry holding a Han run of the query as written comes first,
 * then one holding each of the run's whole words (the index's own tokens, as jieba cut the pages), then the
 * entries matching only a part (回应公众关切 for 微信公众号); lunr's score orders each of the three. */
var zwgkHan = /\p{sc=Han}+/gu;

/* The run cut into the index's tokens, longest first from the left (the run's whole length included, which
 * Material's own segmenter leaves out); a character no token starts with stands alone. */
function zwgkWords(run, inverted) {
  var words = [];
  for (var i = 0; i < run.length;) {
    var j = run.length;
    while (j > i + 1 && !(run.slice(i, j) in inverted)) j--;
    words.push(run.slice(i, j));
    i = j;
  }
  return words;
}

/* The comparator Material's worker sorts its results with: tier first, then lunr's score. */
function zwgkOrder(query, inverted, map) {
  var runs = query.match(zwgkHan) || [];
  var words = runs.map(function (run) { return zwgkWords(run, inverted); });
  var tiers = new Map();
  function has(word, ref) {
    var posting = inverted[word];
    return !!posting && ["title", "text", "tags"].some(function (field) {
      return !!posting[field] && Object.prototype.hasOwnProperty.call(posting[field], ref);
    });
  }
  function tier(ref) {
    if (!tiers.has(ref)) {
      var doc = map.get(ref) || {};
      var plain = [doc.title || "", doc.text || "", (doc.tags || []).join(" ")].join(" ").replace(/\u200b/g, "");
      var value = 0;
      if (runs.length && runs.every(function (run) { return plain.indexOf(run) >= 0; }))
        value = 2;
      else if (runs.length && words.every(function (list) {
        return list.every(function (word) { return has(word, ref); });
      }))
        value = 1;
      tiers.set(ref, value);
    }
    return tiers.get(ref);
  }
  return function (a, b) {
    return tier(b.location) - tier(a.location) || b.score - a.score;
  };
}
