"use strict";
document.getElementById("page").textContent = "Osprey";
