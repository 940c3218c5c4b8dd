// Draws the charts of a shared page from the figures the page holds as JSON data.
(function () {
  "use strict";
  var config = {
    responsive: true,
    displaylogo: false,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
  };
  document.querySelectorAll("[data-figure]").forEach(function (holder) {
    var source = document.getElementById(holder.getAttribute("data-figure"));
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(holder, figure.data, figure.layout, config);
  });
})();
