// Word lists for synthetic catalogs: category names with nouns that fit them, and adjectives, so generated items
// read like a shop ("Aurora Lamp" in Lighting) and demos and screenshots look plausible.

export const CATEGORY_WORDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["Lighting", ["Lamp", "Lantern", "Sconce", "Pendant", "Chandelier", "Nightlight"]],
  ["Kitchen", ["Kettle", "Skillet", "Whisk", "Teapot", "Grinder", "Colander"]],
  ["Books", ["Atlas", "Novel", "Almanac", "Memoir", "Anthology", "Chronicle"]],
  ["Music", ["Vinyl", "Ballad", "Sonata", "Overture", "Anthem", "Serenade"]],
  ["Garden", ["Planter", "Trowel", "Trellis", "Birdhouse", "Hose", "Shears"]],
  ["Outdoor", ["Tent", "Backpack", "Hammock", "Compass", "Canteen", "Lantern"]],
  ["Toys", ["Kite", "Puzzle", "Robot", "Blocks", "Marbles", "Yo-yo"]],
  ["Fashion", ["Scarf", "Jacket", "Sneaker", "Beret", "Satchel", "Poncho"]],
  ["Beauty", ["Serum", "Balm", "Lotion", "Palette", "Mist", "Cleanser"]],
  ["Sports", ["Racket", "Helmet", "Jersey", "Dumbbell", "Skateboard", "Paddle"]],
  ["Office", ["Notebook", "Stapler", "Planner", "Inkwell", "Desk Mat", "Pen"]],
  ["Electronics", ["Speaker", "Headset", "Charger", "Camera", "Tablet", "Drone"]],
  ["Pets", ["Leash", "Perch", "Feeder", "Kennel", "Chew Toy", "Collar"]],
  ["Bath", ["Towel", "Robe", "Soap Dish", "Loofah", "Bath Mat", "Caddy"]],
  ["Furniture", ["Armchair", "Stool", "Bookcase", "Ottoman", "Bench", "Credenza"]],
  ["Art", ["Canvas", "Easel", "Sketchbook", "Print", "Sculpture", "Brush Set"]],
  ["Tea & Coffee", ["Blend", "Roast", "Infuser", "Mug", "Press", "Tin"]],
  ["Travel", ["Suitcase", "Pillow", "Organizer", "Passport Case", "Duffel", "Map"]],
  ["Games", ["Board Game", "Deck", "Dice Set", "Chess Set", "Card Game", "Quest"]],
  ["Baby", ["Rattle", "Blanket", "Mobile", "Bib", "Stroller", "Onesie"]],
  ["Tools", ["Wrench", "Drill", "Level", "Chisel", "Toolbox", "Clamp"]],
  ["Crafts", ["Yarn", "Loom", "Bead Kit", "Thimble", "Quilt", "Embroidery"]],
  ["Wellness", ["Yoga Mat", "Diffuser", "Foam Roller", "Journal", "Candle", "Tea"]],
  ["Home Decor", ["Vase", "Mirror", "Rug", "Clock", "Cushion", "Frame"]],
];

export const ADJECTIVES: readonly string[] = [
  "Aurora", "Amber", "Azure", "Birch", "Breeze", "Cedar", "Cobalt", "Coral", "Crimson", "Dune", "Echo", "Ember",
  "Fern", "Fjord", "Frost", "Golden", "Granite", "Harbor", "Hazel", "Indigo", "Ivory", "Juniper", "Lagoon", "Linen",
  "Lunar", "Maple", "Meadow", "Mist", "Nordic", "Oak", "Onyx", "Opal", "Pebble", "Pine", "Prairie", "Quartz",
  "Rustic", "Saffron", "Sage", "Sierra", "Slate", "Solar", "Summit", "Tidal", "Velvet", "Willow", "Zephyr", "Zen",
];
