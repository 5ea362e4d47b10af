#!/usr/bin/env python3
"""Generate fictional example resumes for the resume-screening tool.

Run from the repository root:

    python examples/make_examples.py

Every person, employer, school and project below is invented. Emails use the
reserved example.com / example.org domains and phone numbers use the 555-01xx
block reserved for fiction.

Output goes to examples/resumes/; the tier of each file goes to examples/expected.csv (file,tier).
The output is deterministic: PDFs are written with reportlab's invariant mode
and DOCX files get fixed core properties and fixed zip timestamps, so a rerun
produces byte-identical files.

Requires: reportlab, python-docx
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Inches
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

OUT_DIR = Path(__file__).resolve().parent / "resumes"
FIXED_DATE = _dt.datetime(2024, 1, 15, 9, 0, 0)
ZIP_DATE = (2024, 1, 15, 9, 0, 0)

# ---------------------------------------------------------------------------
# Resume content (all fictional)
# ---------------------------------------------------------------------------
# Common keys:
#   file, tier, fmt ("pdf" | "twocol" | "docx" | "txt"), name, title, email,
#   phone, city, summary, experience [{role, org, place, dates, bullets}],
#   education [{degree, school, dates, note}], skills [(category, [items])],
#   projects [{name, bullets}], extra [(heading, [lines])]
# Two-column only: sidebar_skills [items; "\n" forces a line break],
#   languages, row_drawn (bool)

RESUMES: list[dict] = []

# ----------------------------- strong ---------------------------------------

RESUMES.append(dict(
    file="imogen-vextrel-ml-engineer.pdf",
    tier="strong",
    fmt="pdf",
    dates_right=True,
    name="Imogen Vextrel",
    title="Senior Machine Learning Engineer",
    email="imogen.vextrel@example.com",
    phone="(206) 555-0117",
    city="Seattle, WA",
    links="github.example.org/ivextrel",
    summary=(
        "Machine learning engineer with eight years of experience taking models from "
        "notebook to production. I build forecasting and text-classification systems in "
        "Python with PyTorch and scikit-learn, deploy them on AWS SageMaker in Docker "
        "containers, and care as much about monitoring and clear write-ups as about "
        "leaderboard scores. Comfortable leading small teams and explaining trade-offs "
        "to non-technical stakeholders."
    ),
    experience=[
        dict(role="Senior Machine Learning Engineer", org="Northwind Analytics",
             place="Seattle, WA", dates="Jan 2019 – Present", bullets=[
                 "Lead a team of four engineers that owns demand-forecasting and document-classification "
                 "services written in Python and PyTorch, serving roughly 40 million predictions per day.",
                 "Fine-tuned BERT-based classifiers for support-ticket routing; macro-F1 rose from 0.71 to "
                 "0.86 and manual triage time dropped by about a third.",
                 "Packaged every model as a Docker image and deployed to AWS SageMaker endpoints with "
                 "blue/green rollouts, CloudWatch alarms and automatic rollback on latency regressions.",
                 "Built a data-drift checker (population stability index, KS tests) that runs nightly "
                 "over Pandas feature snapshots and opens tickets when inputs shift.",
                 "Designed A/B tests and power analyses with product managers and presented results to "
                 "leadership in Tableau dashboards and short written memos.",
                 "Mentored two junior engineers and ran a fortnightly paper-reading group.",
             ]),
        dict(role="Machine Learning Engineer", org="Bluefin Logistics Labs",
             place="Portland, OR", dates="2016 - 2019", bullets=[
                 "Built scikit-learn and gradient-boosting pipelines for arrival-time prediction over "
                 "two billion GPS pings, using Pandas and PySpark for preprocessing.",
                 "Moved training jobs from on-premise servers to AWS (S3, EC2, SageMaker training jobs), "
                 "cutting compute cost by 28%.",
                 "Wrote an internal feature-validation library that three other teams adopted.",
             ]),
        dict(role="Data Scientist", org="Cobalt Reef Insurance",
             place="Portland, OR", dates="2014 - 2016", bullets=[
                 "Fitted logistic-regression and survival models for policy churn in R and Python; "
                 "communicated uncertainty with Matplotlib and ggplot2 charts.",
                 "Automated a weekly retention report that replaced four hours of spreadsheet work.",
             ]),
    ],
    education=[
        dict(degree="M.S. Computer Science (Machine Learning track)", school="University of Eastmarch",
             dates="2012 – 2014", note="Thesis: calibration of neural text classifiers under label shift."),
        dict(degree="B.S. Mathematics and Statistics", school="Lakeshore State University",
             dates="2008 – 2012", note=""),
    ],
    skills=[
        ("Languages", ["Python", "R", "SQL", "Bash"]),
        ("Machine learning", ["PyTorch", "TensorFlow", "scikit-learn", "XGBoost", "Hugging Face Transformers"]),
        ("NLP", ["BERT fine-tuning", "spaCy", "sentence embeddings", "topic modelling"]),
        ("Data", ["Pandas", "NumPy", "PySpark", "Airflow", "PostgreSQL"]),
        ("Deployment / MLOps", ["AWS SageMaker", "Docker", "Kubernetes", "MLflow", "GitHub Actions"]),
        ("Statistics", ["hypothesis testing", "Bayesian inference", "experimental design", "time series"]),
        ("Visualisation", ["Matplotlib", "Seaborn", "Tableau"]),
    ],
    projects=[
        dict(name="driftwatch (open source)", bullets=[
            "Small Python package for detecting feature drift in tabular data; about 1,200 stars.",
        ]),
        dict(name="Reading-level estimator", bullets=[
            "Distilled a transformer into a 20 MB model that grades text difficulty on a CPU in under 10 ms.",
        ]),
    ],
    extra=[
        ("TALKS", [
            "“Shipping models that stay shipped” – Cascadia Data Meetup, 2023",
            "“Cheap drift detection with two-sample tests” – Northwind internal tech day, 2021",
        ]),
    ],
))

RESUMES.append(dict(
    file="rafferty-quillon-machine-learning-engineer.pdf",
    tier="strong",
    fmt="twocol",
    row_drawn=False,
    name="Rafferty Quillon",
    title="Machine Learning Engineer",
    email="rafferty.quillon@example.org",
    phone="(512) 555-0163",
    city="Austin, TX",
    summary=(
        "ML engineer focused on natural language processing for healthcare text. Six years of "
        "building, evaluating and deploying deep learning models with PyTorch and TensorFlow, "
        "most recently on Azure ML."
    ),
    sidebar_skills=[
        "Python", "R", "PyTorch", "TensorFlow / Keras", "scikit-\nlearn", "Pandas & NumPy",
        "spaCy", "BERT / Transformers", "Azure ML", "Docker", "SQL", "Matplotlib", "Tableau",
        "Statistics & A/B testing",
    ],
    languages=["English (native)", "Spanish (professional)"],
    certifications=["Azure AI Engineer", "Associate (2022)"],
    experience=[
        dict(role="Machine Learning Engineer", org="Tallowmere Health Tech",
             place="Austin, TX", dates="Mar 2020 – Present", bullets=[
                 "Built a clinical-notes NLP pipeline (spaCy tokenisation plus a fine-tuned BERT model in "
                 "PyTorch) that extracts medication mentions with 0.91 F1.",
                 "Deployed models as Docker containers to Azure ML managed endpoints with CI/CD in "
                 "Azure DevOps; p95 latency under 120 ms.",
                 "Cleaned and de-identified 12 million records with Pandas and wrote data-quality tests.",
                 "Worked daily with clinicians and designers; wrote design docs and ran demo sessions.",
             ]),
        dict(role="Data Scientist", org="Gallowglass Retail Group",
             place="Dallas, TX", dates="Jun 2017 – Feb 2020", bullets=[
                 "Trained a TensorFlow/Keras recommendation model that lifted basket size by 4%.",
                 "Ran uplift experiments and reported confidence intervals to merchandising teams.",
                 "Built Matplotlib and Tableau reports for weekly business reviews.",
             ]),
        dict(role="Graduate Research Assistant", org="Pinecrest Institute of Technology",
             place="Houston, TX", dates="2015 - 2017", bullets=[
                 "Studied probabilistic topic models for short texts; two workshop papers.",
             ]),
    ],
    education=[
        dict(degree="M.S. Statistics", school="Pinecrest Institute of Technology", dates="2015 – 2017", note=""),
        dict(degree="B.S. Computer Engineering", school="Pinecrest Institute of Technology", dates="2011 – 2015", note=""),
    ],
    projects=[
        dict(name="Symptom-checker intent model", bullets=[
            "Side project: multilingual intent classifier (English/Spanish) with a small transformer.",
        ]),
    ],
))

RESUMES.append(dict(
    file="solveig-arkwrightson-ml-engineer.docx",
    tier="strong",
    fmt="docx",
    skills_table="grid3",
    name="Solveig Arkwrightson",
    title="Machine Learning Engineer – NLP & MLOps",
    email="solveig.arkwrightson@example.com",
    phone="(612) 555-0129",
    city="Minneapolis, MN",
    summary=(
        "Machine learning engineer with nine years in software and data, the last six building NLP "
        "and ranking systems. I like well-tested pipelines, honest evaluation and teams that write "
        "things down."
    ),
    experience=[
        dict(role="Lead Machine Learning Engineer", org="Fernhollow Media",
             place="Minneapolis, MN", dates="Apr 2021 – Present", bullets=[
                 "Lead ML for article recommendations and content tagging across 14 regional news sites.",
                 "Replaced a keyword tagger with a fine-tuned multilingual BERT model (PyTorch) plus spaCy "
                 "entity linking; editors accept 83% of suggested tags, up from 41%.",
                 "Own training and serving on AWS: SageMaker pipelines, Docker images on ECS, feature "
                 "store in S3/Athena.",
                 "Introduced offline/online evaluation reports with bootstrap confidence intervals.",
                 "Run quarterly planning with editors and product; coordinate a team of five.",
             ]),
        dict(role="Machine Learning Engineer", org="Northwind Analytics",
             place="Minneapolis, MN", dates="2018 - 2021", bullets=[
                 "Built TensorFlow sequence models for call-centre transcript classification.",
                 "Wrote Pandas preprocessing jobs and scikit-learn baselines that became team standards.",
                 "Created Tableau and Matplotlib dashboards tracking model quality by customer segment.",
             ]),
        dict(role="Software Engineer, Data Platform", org="Quarrystone Bank",
             place="St. Paul, MN", dates="2015 - 2018", bullets=[
                 "Developed Python ETL services and a fraud-rule engine; first exposure to ML models in production.",
             ]),
    ],
    education=[
        dict(degree="B.Sc. Computer Science, minor in Statistics", school="Northern Prairie University",
             dates="2011 – 2015", note="Capstone: sentiment analysis of product reviews."),
    ],
    skills=[
        ("Programming", ["Python", "R", "SQL", "Scala (basic)"]),
        ("ML & deep learning", ["PyTorch", "TensorFlow", "scikit-learn", "Hugging Face", "spaCy / NLP"]),
        ("Data & cloud", ["Pandas", "AWS SageMaker", "Docker", "Airflow", "Tableau / Matplotlib"]),
    ],
    projects=[
        dict(name="Headline A/B analysis toolkit", bullets=[
            "Bayesian A/B testing helper used by the newsroom to compare headline variants.",
        ]),
    ],
    extra=[
        ("CERTIFICATIONS", ["AWS Certified Machine Learning – Specialty (2020)"]),
    ],
))

RESUMES.append(dict(
    file="thaddeus-mirecourt-vale-staff-ml-engineer.pdf",
    tier="strong",
    fmt="twocol",
    row_drawn=True,
    name="Thaddeus Mirecourt-Vale",
    title="Staff Machine Learning Engineer",
    email="t.mirecourt-vale@example.org",
    phone="(617) 555-0185",
    city="Boston, MA",
    summary=(
        "Ten years across data engineering and machine learning. I design deep learning systems, "
        "deploy them on AWS, and keep teams aligned through clear documentation and reviews."
    ),
    sidebar_skills=[
        "Python", "R", "PyTorch", "TensorFlow", "scikit-learn", "Pandas",
        "natural language\nprocessing", "Deep learning (CNNs, Transformers)", "AWS SageMaker",
        "Docker & Kubernetes", "D3.js", "Matplotlib", "Probability & statistics",
    ],
    languages=["English", "French"],
    experience=[
        dict(role="Staff Machine Learning Engineer", org="Larkspur Robotics",
             place="Boston, MA", dates="Jan 2019 – Present", bullets=[
                 "Tech lead for perception and language features; architected a PyTorch training "
                 "platform used by 30 engineers.",
                 "Shipped a voice-command NLP model (intent + slot filling) running on-device and on "
                 "AWS SageMaker for fallback.",
                 "Built Docker-based evaluation harness; regressions now caught before release.",
                 "Hosted design reviews and wrote onboarding docs; mentored six engineers.",
             ]),
        dict(role="Machine Learning Engineer", org="Emberline Ads",
             place="Cambridge, MA", dates="2016 - 2019", bullets=[
                 "Click-through models with TensorFlow and scikit-learn; Pandas feature pipelines.",
                 "Built D3.js dashboards showing calibration and revenue impact to sales teams.",
             ]),
        dict(role="Junior Data Engineer", org="Oxbow Analytics",
             place="Providence, RI", dates="2014 - 2016", bullets=[
                 "Maintained Python ETL jobs and statistical reporting for retail clients.",
             ]),
    ],
    education=[
        dict(degree="M.Eng. Electrical Engineering & Computer Science", school="Bayport Technical University",
             dates="2012 – 2014", note=""),
        dict(degree="B.S. Physics", school="Bayport Technical University", dates="2008 – 2012", note=""),
    ],
    projects=[
        dict(name="Open-vocabulary object tagging", bullets=[
            "Combined image and text embeddings to tag warehouse items without retraining.",
        ]),
    ],
))

RESUMES.append(dict(
    file="zephyrine-moss-calloway-resume.txt",
    tier="strong",
    fmt="txt",
    name="Zephyrine Moss-Calloway",
    title="Machine Learning Engineer",
    email="zephyrine.mc@example.com",
    phone="(303) 555-0148",
    city="Denver, CO",
    summary=(
        "Machine learning engineer (7 years) working on forecasting and NLP for the energy sector. "
        "Python, PyTorch, scikit-learn, Pandas; deploys on Azure ML and AWS with Docker. I enjoy "
        "pairing with domain experts and turning vague questions into measurable ones."
    ),
    experience=[
        dict(role="Machine Learning Engineer", org="Kestrel Grid Energy",
             place="Denver, CO", dates="Sep 2018 – Present", bullets=[
                 "Built PyTorch temporal models for 48-hour load forecasting; MAPE improved from 6.1% to 3.9%.",
                 "Trained a BERT-based classifier that sorts maintenance reports by failure type; spaCy for "
                 "preprocessing and rule-based extraction of equipment IDs.",
                 "Deployed models to Azure ML endpoints in Docker containers; nightly retraining in Azure Pipelines.",
                 "Ran weekly model reviews with grid operators; wrote plain-language model cards.",
             ]),
        dict(role="Data Scientist", org="Harrowgate Telecom",
             place="Boulder, CO", dates="2015 - 2018", bullets=[
                 "Churn and network-fault models with scikit-learn and TensorFlow; feature work in Pandas.",
                 "Statistical analysis of outage data (Poisson regression, survival curves) in R.",
                 "Built Tableau and Matplotlib reports for the network-operations team.",
             ]),
    ],
    education=[
        dict(degree="M.S. Applied Mathematics", school="Front Range University", dates="2013 – 2015", note=""),
        dict(degree="B.A. Economics and Computer Science", school="Front Range University", dates="2009 – 2013", note=""),
    ],
    skills=[
        ("Languages", ["Python", "R", "SQL"]),
        ("ML", ["PyTorch", "TensorFlow", "scikit-learn", "LightGBM"]),
        ("NLP", ["BERT", "spaCy", "regex-based extraction"]),
        ("Data", ["Pandas", "NumPy", "Polars", "dbt"]),
        ("Cloud & deployment", ["Azure ML", "AWS S3 / Lambda", "Docker", "MLflow"]),
        ("Statistics", ["probability", "regression", "survival analysis", "forecast evaluation"]),
        ("Visualisation", ["Matplotlib", "Plotly", "Tableau"]),
    ],
    projects=[
        dict(name="Snowpack-to-hydro forecast (hackathon winner, 2022)", bullets=[
            "Gradient boosting plus quantile regression to forecast spring hydro output.",
        ]),
    ],
))

# ----------------------------- partial --------------------------------------

RESUMES.append(dict(
    file="marguerite-plumtree-data-analyst.docx",
    tier="partial",
    fmt="docx",
    skills_table="cat2",
    name="Marguerite Plumtree",
    title="Data Analyst",
    email="marguerite.plumtree@example.com",
    phone="(312) 555-0131",
    city="Chicago, IL",
    summary=(
        "Data analyst with six years in retail and grocery. I turn messy sales data into reports "
        "people actually use, and I am growing my Python skills."
    ),
    experience=[
        dict(role="Data Analyst", org="Copperleaf Retail",
             place="Chicago, IL", dates="Jul 2019 – Present", bullets=[
                 "Own weekly sales and inventory reporting for 120 stores using SQL (PostgreSQL, BigQuery) "
                 "and Tableau.",
                 "Built Excel models (pivot tables, Power Query) for promotional planning.",
                 "Ran t-tests and simple regressions to measure the effect of store layout changes.",
                 "Started automating data pulls with Python and Pandas, saving about five hours a week.",
             ]),
        dict(role="Junior Analyst", org="Harbor & Vine Grocers",
             place="Evanston, IL", dates="2016 - 2019", bullets=[
                 "Maintained Excel dashboards and answered ad-hoc questions from category managers.",
                 "Cleaned supplier data and documented metric definitions.",
             ]),
    ],
    education=[
        dict(degree="B.A. Economics", school="Lakefront College", dates="2012 – 2016",
             note="Coursework: statistics, econometrics."),
    ],
    skills=[
        ("Querying", "SQL (PostgreSQL, BigQuery)"),
        ("Spreadsheets", "Excel – pivot tables, Power Query, XLOOKUP"),
        ("Visualisation", "Tableau, Looker Studio"),
        ("Programming", "Python (Pandas basics), some R"),
        ("Statistics", "descriptive statistics, t-tests, linear regression"),
    ],
    projects=[],
    extra=[
        ("CERTIFICATIONS", ["Tableau Desktop Specialist (2021)"]),
    ],
))

RESUMES.append(dict(
    file="osric-tenneyfield-backend-engineer.pdf",
    tier="partial",
    fmt="twocol",
    row_drawn=False,
    name="Osric Tenneyfield",
    title="Senior Backend Software Engineer",
    email="osric.tenneyfield@example.org",
    phone="(415) 555-0172",
    city="San Francisco, CA",
    summary=(
        "Backend engineer with eight years building payment and booking systems in Java and Go. "
        "Strong on reliability, cloud infrastructure and code review culture."
    ),
    sidebar_skills=[
        "Java (Spring Boot)", "Go", "Kotlin", "Docker", "Kubernetes", "AWS (ECS, Lambda, RDS)",
        "PostgreSQL", "Apache Kafka", "gRPC / REST APIs", "Terraform", "Observability (Prometheus)",
    ],
    languages=["English", "German (basic)"],
    experience=[
        dict(role="Senior Backend Engineer", org="Brightwater Payments",
             place="San Francisco, CA", dates="Feb 2020 – Present", bullets=[
                 "Designed Go microservices for payout scheduling handling 3,000 requests per second.",
                 "Migrated legacy Java services to Docker on AWS ECS; cut deploy time from 40 to 6 minutes.",
                 "Introduced Kafka-based event sourcing for ledger updates.",
                 "Led incident reviews and mentored four engineers.",
             ]),
        dict(role="Backend Engineer", org="Saltmarsh Travel",
             place="Oakland, CA", dates="2016 - 2020", bullets=[
                 "Built Java/Spring booking APIs and PostgreSQL schemas.",
                 "Wrote Terraform modules for AWS infrastructure.",
             ]),
        dict(role="Software Engineering Intern", org="Gullwing Systems",
             place="San Jose, CA", dates="Summer 2015", bullets=[
                 "Wrote integration tests for an internal deployment tool.",
             ]),
    ],
    education=[
        dict(degree="B.S. Computer Science", school="Coastal Hills University", dates="2012 – 2016", note=""),
    ],
    projects=[
        dict(name="rate-limit-go", bullets=[
            "Small open-source token-bucket rate limiter library for Go services.",
        ]),
    ],
))

RESUMES.append(dict(
    file="henrietta-larchmont-fry-bi-developer.pdf",
    tier="partial",
    fmt="pdf",
    dates_right=False,
    name="Henrietta Larchmont-Fry",
    title="Business Intelligence Developer",
    email="h.larchmontfry@example.com",
    phone="(404) 555-0196",
    city="Atlanta, GA",
    links="",
    summary=(
        "BI developer with seven years designing data models and Power BI reports for finance and "
        "operations teams. Comfortable from the SQL layer up to executive dashboards."
    ),
    experience=[
        dict(role="Senior BI Developer", org="Thistledown Manufacturing",
             place="Atlanta, GA", dates="May 2020 – Present", bullets=[
                 "Built and maintain 40+ Power BI reports with DAX measures and row-level security.",
                 "Designed star-schema data marts in SQL Server; nightly loads with SSIS and Azure Data Factory.",
                 "Cut month-end reporting from three days to half a day by automating reconciliations.",
                 "Trained 60 business users on self-service reporting.",
             ]),
        dict(role="Reporting Analyst", org="Peachtree Mutual Services",
             place="Atlanta, GA", dates="2017 - 2020", bullets=[
                 "Wrote T-SQL stored procedures and SSRS reports for claims operations.",
                 "Maintained Excel workbooks with VBA macros for the finance team.",
             ]),
    ],
    education=[
        dict(degree="B.B.A. Management Information Systems", school="Southern Pines University",
             dates="2013 – 2017", note=""),
    ],
    skills=[
        ("Reporting", ["Power BI", "DAX", "Power Query (M)", "SSRS", "Excel / VBA"]),
        ("Data", ["SQL Server", "T-SQL", "SSIS", "Azure Data Factory", "data modelling"]),
        ("Other", ["requirements gathering", "user training", "Git"]),
    ],
    projects=[
        dict(name="Plant-floor downtime dashboard", bullets=[
            "Near-real-time Power BI dashboard fed from machine logs; adopted by three plants.",
        ]),
    ],
    extra=[
        ("CERTIFICATIONS", ["Microsoft Certified: Power BI Data Analyst Associate"]),
    ],
))

RESUMES.append(dict(
    file="caspian-thornbury-wilde-junior-data-scientist.pdf",
    tier="partial",
    fmt="twocol",
    row_drawn=True,
    name="Caspian Thornbury-Wilde",
    title="Junior Data Scientist",
    email="caspian.tw@example.com",
    phone="(412) 555-0108",
    city="Pittsburgh, PA",
    summary=(
        "Junior data scientist two years out of university. I build and evaluate classical machine "
        "learning models in Python and enjoy explaining results to business teams."
    ),
    sidebar_skills=[
        "Python", "Pandas", "scikit-\nlearn", "Jupyter", "Matplotlib / Seaborn", "SQL",
        "Logistic regression", "Random forests", "Basic statistics", "Git",
    ],
    languages=["English", "Polish (conversational)"],
    experience=[
        dict(role="Junior Data Scientist", org="Mapleridge Insurance",
             place="Pittsburgh, PA", dates="Jul 2022 – Present", bullets=[
                 "Built a scikit-learn claim-severity model (random forest) used in triage pilots.",
                 "Prepared training data with Pandas and SQL; documented feature definitions.",
                 "Presented model results to underwriting managers with Matplotlib charts.",
             ]),
        dict(role="Data Science Intern", org="Quillfeather Labs",
             place="Pittsburgh, PA", dates="Summer 2021", bullets=[
                 "Cleaned survey data and produced exploratory analysis notebooks.",
             ]),
    ],
    education=[
        dict(degree="B.S. Statistics and Data Science", school="Three Rivers University",
             dates="2018 – 2022", note="Capstone: predicting bike-share demand."),
    ],
    projects=[
        dict(name="Bike-share demand forecasting", bullets=[
            "Compared linear models and gradient boosting on public-style trip data (course project).",
        ]),
    ],
))

RESUMES.append(dict(
    file="perpetua-ashgrove-biostatistician.pdf",
    tier="partial",
    fmt="pdf",
    dates_right=True,
    name="Perpetua Ashgrove, PhD",
    title="Senior Biostatistician",
    email="perpetua.ashgrove@example.org",
    phone="(919) 555-0152",
    city="Raleigh, NC",
    links="",
    summary=(
        "Biostatistician with eleven years in clinical trials and public health. Expert in study "
        "design, mixed models and survival analysis using R and SAS. Experienced reviewer of "
        "statistical analysis plans and regulatory submissions."
    ),
    experience=[
        dict(role="Senior Biostatistician", org="Greywillow Clinical Research",
             place="Durham, NC", dates="Oct 2017 – Present", bullets=[
                 "Lead statistician on six phase II/III trials; wrote statistical analysis plans and "
                 "sample-size justifications.",
                 "Analysed longitudinal endpoints with mixed models (SAS PROC MIXED, R lme4).",
                 "Performed survival analysis (Kaplan–Meier, Cox regression) for time-to-event outcomes.",
                 "Designed interim analyses with group-sequential boundaries and alpha spending.",
                 "Reviewed hypothesis testing strategies for multiplicity control with clinical teams.",
                 "Supervised two statistical programmers and reviewed their TLF output.",
             ]),
        dict(role="Statistical Analyst", org="Lindenfield County Health Department",
             place="Raleigh, NC", dates="2013 - 2017", bullets=[
                 "Produced annual disease-surveillance reports with R and SAS.",
                 "Fitted Poisson and negative-binomial models to track outbreaks.",
                 "Taught internal workshops on hypothesis testing and confidence intervals.",
             ]),
        dict(role="Graduate Teaching Assistant", org="Tidewater University",
             place="Norfolk, VA", dates="2009 - 2013", bullets=[
                 "Taught lab sections of introductory probability and regression.",
             ]),
    ],
    education=[
        dict(degree="Ph.D. Biostatistics", school="Tidewater University", dates="2009 – 2013",
             note="Dissertation: robust estimators for clustered binary outcomes."),
        dict(degree="B.S. Mathematics", school="Blue Ridge College", dates="2005 – 2009", note=""),
    ],
    skills=[
        ("Statistical software", ["R (tidyverse, lme4, survival)", "SAS (PROC MIXED, GLM, PHREG)", "Stata"]),
        ("Methods", ["hypothesis testing", "mixed models", "survival analysis", "Bayesian methods",
                     "sample-size calculation", "missing-data imputation"]),
        ("Other", ["CDISC (SDTM, ADaM)", "SQL", "LaTeX", "technical writing"]),
    ],
    projects=[],
    extra=[
        ("SELECTED PUBLICATIONS (fictional)", [
            "Ashgrove P, Brindle K. Robust variance estimation for small cluster trials. "
            "Journal of Imaginary Statistics, 2019.",
            "Ashgrove P, et al. Handling informative dropout in rare-disease trials. "
            "Clinical Methods Quarterly (fictional), 2021.",
            "Ashgrove P. Teaching p-values without tears. Statistics Educator Review (fictional), 2016.",
        ]),
        ("PROFESSIONAL ACTIVITIES", [
            "Member, fictional Society for Clinical Trial Methods; reviewer for two journals.",
            "Volunteer statistical consultant for a local food-bank needs survey (2020 – 2022).",
        ]),
    ],
))

RESUMES.append(dict(
    file="wendeline-osgood-data-engineer.html",
    tier="partial",
    fmt="html",
    name="Wendeline Osgood",
    title="Data Engineer",
    email="w.osgood@example.net",
    phone="+44 161 496 0732",
    city="Manchester, UK",
    summary=(
        "Data engineer (5 years) building batch and streaming pipelines for retail analytics. "
        "Python, SQL, Apache Spark and Airflow on AWS; I like tidy schemas and honest dashboards."
    ),
    experience=[
        dict(role="Data Engineer", org="Larkspur Retail Analytics",
             place="Manchester, UK", dates="Mar 2021 – Present", bullets=[
                 "Built Spark jobs in Python that load 2 TB of sales events a day into Redshift.",
                 "Moved 40 cron scripts to Airflow DAGs with tests and alerting.",
                 "Prepared features in Pandas for the pricing team's scikit-learn models.",
             ]),
        dict(role="BI Developer", org="Cobblestone Logistics",
             place="Leeds, UK", dates="Sep 2018 – Feb 2021", bullets=[
                 "Wrote SQL models and Tableau dashboards for warehouse throughput.",
             ]),
    ],
    education=[
        dict(degree="BSc Computer Science", school="Pennine University", dates="2015 – 2018", note=""),
    ],
    skills=[
        ("Languages", ["Python", "SQL"]),
        ("Data", ["Apache Spark", "Airflow", "Pandas", "dbt"]),
        ("Cloud", ["AWS S3", "Redshift", "Docker"]),
    ],
    # Keywords in white, 1 px text: a reader never sees them, so they are dropped and flagged.
    hidden=("PyTorch TensorFlow deep learning NLP Kubernetes SageMaker machine learning "
            "transformers BERT computer vision"),
))

# ----------------------------- unrelated ------------------------------------
# These deliberately contain phrases that look like tech keywords to a naive
# matcher: "Go to market plan", "R&D kitchen", "spark joy", "tableau",
# "Java island tour", "excel at customer care", "visited Java", "python"
# (a snake), "pandas" (animals), "rust removal", "Azure" (company name) and
# the name "Julia Ruby".

RESUMES.append(dict(
    file="clementine-butterfield-crumb-pastry-chef.pdf",
    tier="unrelated",
    fmt="pdf",
    dates_right=False,
    name="Clementine Butterfield-Crumb",
    title="Head Pastry Chef",
    email="clementine.bc@example.com",
    phone="(503) 555-0104",
    city="Portland, OR",
    links="",
    summary=(
        "Pastry chef with ten years in restaurant and wholesale bakeries. I develop seasonal menus, "
        "run a calm kitchen and make desserts that spark joy without blowing the food-cost budget."
    ),
    experience=[
        dict(role="Head Pastry Chef", org="The Gilded Whisk",
             place="Portland, OR", dates="Mar 2018 – Present", bullets=[
                 "Run the R&D kitchen: develop and test four seasonal dessert menus a year.",
                 "Wrote the Go to market plan for our wholesale croissant line, now supplying 22 cafés.",
                 "Design the wedding dessert tableau – a 3-metre display of petits fours and entremets.",
                 "Lead a team of six pastry cooks; cut ingredient waste by 18% through batch planning.",
             ]),
        dict(role="Pastry Cook", org="Marzipan & Moss Bakery",
             place="Portland, OR", dates="2014 - 2018", bullets=[
                 "Laminated doughs, tempered chocolate and decorated celebration cakes.",
                 "Trained new starters on food-safety and allergen procedures.",
             ]),
    ],
    education=[
        dict(degree="Diploma in Pastry Arts", school="Cascadia Culinary Institute", dates="2012 – 2014", note=""),
    ],
    skills=[
        ("Technique", ["lamination", "sugar work", "chocolate tempering", "plated desserts", "bread"]),
        ("Kitchen management", ["menu costing", "ordering", "rota planning", "team leadership"]),
        ("Certifications", ["ServSafe Manager", "allergen awareness"]),
    ],
    projects=[
        dict(name="Community baking classes", bullets=[
            "Monthly Saturday classes for teenagers; recipes designed to spark joy and confidence.",
        ]),
    ],
))

RESUMES.append(dict(
    file="julia-ruby-registered-nurse.docx",
    tier="unrelated",
    fmt="docx",
    skills_table="cat2",
    name="Julia Ruby",
    title="Registered Nurse (RN), BSN",
    email="julia.ruby@example.org",
    phone="(614) 555-0158",
    city="Columbus, OH",
    summary=(
        "Registered nurse with eight years on medical-surgical and step-down units. I excel at "
        "customer care for patients and families, stay calm under pressure and enjoy precepting "
        "new nurses."
    ),
    experience=[
        dict(role="Registered Nurse, Step-Down Unit", org="Riverbend Community Hospital",
             place="Columbus, OH", dates="Aug 2019 – Present", bullets=[
                 "Care for four to five cardiac and respiratory patients per shift.",
                 "Precept new graduate nurses; designed a two-week orientation checklist.",
                 "Member of the falls-prevention committee; unit falls dropped 30% in one year.",
                 "Recognised twice with the hospital’s patient-experience award.",
             ]),
        dict(role="Registered Nurse, Medical-Surgical", org="Scioto Valley Medical Center",
             place="Columbus, OH", dates="2016 - 2019", bullets=[
                 "Managed post-operative care, wound care and IV therapy.",
                 "Educated patients on discharge medications and follow-up.",
             ]),
        dict(role="Volunteer Nurse", org="Harbour Light Health Outreach",
             place="Indonesia", dates="2018", bullets=[
                 "Took part in a Java island tour with a mobile clinic, running blood-pressure and "
                 "diabetes screenings in rural villages.",
             ]),
    ],
    education=[
        dict(degree="Bachelor of Science in Nursing", school="Buckeye Valley College of Nursing",
             dates="2012 – 2016", note=""),
    ],
    skills=[
        ("Clinical", "IV therapy, wound care, telemetry monitoring, medication administration"),
        ("Certifications", "BLS, ACLS, Progressive Care Certified Nurse"),
        ("Documentation", "electronic health records (charting), care plans"),
        ("People", "patient education, family communication, precepting"),
    ],
    projects=[],
    extra=[
        ("LICENSES", ["Registered Nurse, State of Ohio (active)"]),
    ],
))

RESUMES.append(dict(
    file="bartholomew-pennywhistle-primary-teacher.pdf",
    tier="unrelated",
    fmt="twocol",
    row_drawn=False,
    name="Bartholomew Pennywhistle",
    title="Primary School Teacher",
    email="b.pennywhistle@example.com",
    phone="(608) 555-0137",
    city="Madison, WI",
    summary=(
        "Primary-school teacher with nine years in Grades 2–4. I plan lessons that spark joy in "
        "reading and help every child feel capable."
    ),
    sidebar_skills=[
        "Classroom management", "Differentiated instruction", "Phonics & guided reading",
        "Parent communication", "Google Classroom", "Behaviour support plans", "Paediatric first aid",
    ],
    languages=["English", "Bahasa Indonesia (basic)"],
    experience=[
        dict(role="Grade 3 Teacher", org="Willowbrook Primary School",
             place="Madison, WI", dates="Aug 2017 – Present", bullets=[
                 "Teach a class of 26; reading scores rose two levels on average each year.",
                 "Pupils wrote a Go to market plan for their class lemonade stand during our enterprise week.",
                 "Look after the class pet, a ball python named Monty, and run a reptile-care rota.",
                 "Built a science unit on giant pandas and red pandas with the local zoo.",
             ]),
        dict(role="Grade 2 Teacher", org="Cedar Hollow Elementary",
             place="Middleton, WI", dates="2014 - 2017", bullets=[
                 "Introduced a reading-buddies scheme pairing Grade 2 and Grade 5 pupils.",
                 "Visited Java on a teacher exchange (2016) and built a unit on Indonesian culture.",
             ]),
    ],
    education=[
        dict(degree="B.Ed. Elementary Education", school="Lakeside Teachers College", dates="2010 – 2014", note=""),
    ],
    projects=[
        dict(name="School garden club", bullets=[
            "Run an after-school garden club; pupils grow vegetables for the school kitchen.",
        ]),
    ],
))

RESUMES.append(dict(
    file="ambrose-kettleburn-cdl-truck-driver.docx",
    tier="unrelated",
    fmt="docx",
    skills_table="grid3",
    name="Ambrose Kettleburn",
    title="CDL Class A Truck Driver",
    email="ambrose.kettleburn@example.com",
    phone="(918) 555-0190",
    city="Tulsa, OK",
    summary=(
        "Long-haul and regional driver with 1.2 million accident-free miles. Reliable, "
        "safety-focused and handy with basic trailer maintenance."
    ),
    experience=[
        dict(role="Regional Truck Driver", org="Azure Coast Haulage",
             place="Tulsa, OK", dates="Apr 2017 – Present", bullets=[
                 "Haul refrigerated and dry freight across a six-state region; 98% on-time delivery.",
                 "Perform pre-trip and post-trip inspections and keep electronic logs compliant.",
                 "Handle rust removal, touch-up painting and light-bulb changes on the trailer fleet "
                 "during winter downtime.",
                 "Regular night stop at the Java Junction truck plaza on the I-44 run.",
             ]),
        dict(role="Delivery Driver", org="Red Fork Building Supply",
             place="Tulsa, OK", dates="2012 - 2017", bullets=[
                 "Delivered lumber and materials to job sites with a flatbed and forklift.",
                 "Kept customers happy with clear delivery windows; I excel at customer care.",
             ]),
    ],
    education=[
        dict(degree="Commercial Driver Training Certificate", school="Green Country Driving Academy",
             dates="2012", note=""),
        dict(degree="High School Diploma", school="Riverside High School", dates="2008", note=""),
    ],
    skills=[
        ("Licenses", ["CDL Class A", "Hazmat endorsement", "Tanker endorsement"]),
        ("Equipment", ["Reefer trailers", "Flatbed & forklift", "Spark plug & brake checks"]),
        ("Safety", ["DOT regulations", "Load securement", "Defensive driving"]),
    ],
    projects=[],
    extra=[],
))


# ---------------------------------------------------------------------------
# Single-column PDF (platypus)
# ---------------------------------------------------------------------------

def _p(text: str) -> str:
    """Escape text for reportlab Paragraph markup."""
    return escape(text)


def render_pdf(r: dict, path: Path) -> None:
    name_style = ParagraphStyle("name", fontName="Helvetica-Bold", fontSize=20, leading=24)
    title_style = ParagraphStyle("title", fontName="Helvetica", fontSize=12, leading=15,
                                 textColor=colors.HexColor("#333333"))
    contact_style = ParagraphStyle("contact", fontName="Helvetica", fontSize=9.5, leading=12)
    head_style = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=12.5, leading=15,
                                spaceBefore=10, spaceAfter=2, textColor=colors.HexColor("#1F3A5F"),
                                keepWithNext=1)
    body_style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, alignment=TA_LEFT)
    job_style = ParagraphStyle("job", fontName="Helvetica", fontSize=10.5, leading=13.5, spaceBefore=6)
    date_style = ParagraphStyle("date", fontName="Helvetica-Oblique", fontSize=9.5, leading=12)
    date_right = ParagraphStyle("dater", parent=date_style, alignment=2)
    bullet_style = ParagraphStyle("bullet", parent=body_style, leftIndent=14, bulletIndent=3,
                                  spaceBefore=1)

    story = [Paragraph(_p(r["name"]), name_style), Paragraph(_p(r["title"]), title_style)]
    contact = [r["email"], r["phone"], r["city"]]
    if r.get("links"):
        contact.append(r["links"])
    story.append(Paragraph(_p("  |  ".join(contact)), contact_style))
    story.append(Spacer(1, 4))
    story.append(HRFlowable(width="100%", thickness=0.8, color=colors.HexColor("#1F3A5F")))

    def heading(text: str) -> None:
        story.append(Paragraph(_p(text), head_style))

    heading("SUMMARY")
    story.append(Paragraph(_p(r["summary"]), body_style))

    heading("EXPERIENCE")
    for job in r["experience"]:
        left = f"<b>{_p(job['role'])}</b> — {_p(job['org'])}, {_p(job['place'])}"
        if r.get("dates_right"):
            t = Table([[Paragraph(left, job_style), Paragraph(_p(job["dates"]), date_right)]],
                      colWidths=[390, 150])
            story.append(Spacer(1, 5))
            t.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]))
            story.append(t)
        else:
            story.append(Paragraph(left, job_style))
            story.append(Paragraph(_p(job["dates"]), date_style))
        for b in job["bullets"]:
            story.append(Paragraph(_p(b), bullet_style, bulletText="•"))

    heading("EDUCATION")
    for ed in r["education"]:
        story.append(Paragraph(f"<b>{_p(ed['degree'])}</b>, {_p(ed['school'])} ({_p(ed['dates'])})",
                               ParagraphStyle("ed", parent=body_style, spaceBefore=3)))
        if ed.get("note"):
            story.append(Paragraph(_p(ed["note"]), bullet_style, bulletText="•"))

    heading("SKILLS")
    for cat, items in r["skills"]:
        story.append(Paragraph(f"<b>{_p(cat)}:</b> {_p(', '.join(items))}", bullet_style, bulletText="•"))

    if r.get("projects"):
        heading("PROJECTS")
        for pr in r["projects"]:
            story.append(Paragraph(f"<b>{_p(pr['name'])}</b>", ParagraphStyle("pr", parent=body_style,
                                                                              spaceBefore=3)))
            for b in pr["bullets"]:
                story.append(Paragraph(_p(b), bullet_style, bulletText="•"))

    for head, lines in r.get("extra", []):
        heading(head)
        for line in lines:
            story.append(Paragraph(_p(line), bullet_style, bulletText="•"))

    doc = SimpleDocTemplate(
        str(path), pagesize=LETTER, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
        title=f"Resume – {r['name']}", author=r["name"], subject=r["title"],
        creator="examples/make_examples.py", invariant=1,
    )
    doc.build(story)


# ---------------------------------------------------------------------------
# Two-column PDF (canvas)
# ---------------------------------------------------------------------------

PAGE_W, PAGE_H = LETTER
MARGIN = 36
SIDEBAR_W = 0.30 * (PAGE_W - 2 * MARGIN)          # ~162 pt
SIDEBAR_X = MARGIN
SIDEBAR_TEXT_W = SIDEBAR_W - 12
MAIN_X = MARGIN + SIDEBAR_W + 14
MAIN_W = PAGE_W - MARGIN - MAIN_X
TOP_Y = PAGE_H - MARGIN - 8
BOTTOM_Y = MARGIN + 10

REG, BOLD, ITAL = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


class Column:
    """Collects positioned text lines for one column, paginating as needed."""

    def __init__(self, x: float, width: float):
        self.x = x
        self.width = width
        self.pages: list[list[tuple]] = [[]]
        self.y = TOP_Y

    def _place(self, text: str, font: str, size: float, indent: float, gap: float) -> None:
        lead = size * 1.28
        if self.y - gap - lead < BOTTOM_Y:
            self.pages.append([])
            self.y = TOP_Y
            gap = 0
        self.y -= gap + size
        self.pages[-1].append((self.x + indent, self.y, text, font, size))
        self.y -= lead - size

    def text(self, text: str, font: str = REG, size: float = 9.5, indent: float = 0, gap: float = 0) -> None:
        lines = simpleSplit(text, font, size, self.width - indent)
        for i, line in enumerate(lines):
            self._place(line, font, size, indent, gap if i == 0 else 0)

    def bullet(self, text: str, size: float = 9.5, gap: float = 1.5, hang: float = 9) -> None:
        """'• ' + text with a hanging indent. '\n' in text forces a break."""
        first = True
        for part in text.split("\n"):
            avail = self.width - hang
            for line in simpleSplit(part, REG, size, avail):
                if first:
                    self._place("• " + line, REG, size, 0, gap)
                    first = False
                else:
                    self._place(line, REG, size, hang, 0)

    def heading(self, text: str, size: float = 11, gap: float = 10) -> None:
        self._place(text, BOLD, size, 0, gap)
        self.y -= 2


def render_twocol(r: dict, path: Path) -> None:
    left = Column(SIDEBAR_X + 6, SIDEBAR_TEXT_W)
    right = Column(MAIN_X, MAIN_W)

    # Sidebar: contact, skills, languages, certifications
    left.heading("CONTACT", gap=4)
    for item in (r["email"], r["phone"], r["city"]):
        left.text(item, size=8.8, gap=1.5)
    left.heading("SKILLS")
    for s in r["sidebar_skills"]:
        left.bullet(s, size=9.2)
    left.heading("LANGUAGES")
    for lang in r["languages"]:
        left.bullet(lang, size=9.2)
    if r.get("certifications"):
        left.heading("CERTIFICATIONS")
        left.bullet("\n".join(r["certifications"]), size=9.2)

    # Main column
    right._place(r["name"], BOLD, 20, 0, 0)
    right.text(r["title"], REG, 12, gap=4)
    right.heading("SUMMARY", size=11.5, gap=12)
    right.text(r["summary"], REG, 9.8)
    right.heading("EXPERIENCE", size=11.5, gap=12)
    for job in r["experience"]:
        right.text(f"{job['role']} — {job['org']}", BOLD, 10.3, gap=6)
        right.text(f"{job['place']}  |  {job['dates']}", ITAL, 9.3, gap=1)
        for b in job["bullets"]:
            right.bullet(b, size=9.5)
    right.heading("EDUCATION", size=11.5, gap=12)
    for ed in r["education"]:
        right.text(ed["degree"], BOLD, 9.8, gap=4)
        right.text(f"{ed['school']}, {ed['dates']}", REG, 9.5)
        if ed.get("note"):
            right.bullet(ed["note"])
    if r.get("projects"):
        right.heading("PROJECTS", size=11.5, gap=12)
        for pr in r["projects"]:
            right.text(pr["name"], BOLD, 9.8, gap=4)
            for b in pr["bullets"]:
                right.bullet(b)

    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setTitle(f"Resume – {r['name']}")
    c.setAuthor(r["name"])
    c.setSubject(r["title"])
    c.setCreator("examples/make_examples.py")

    n_pages = max(len(left.pages), len(right.pages))
    for p in range(n_pages):
        # sidebar background
        c.setFillColor(colors.HexColor("#EEF1F5"))
        c.rect(0, 0, MAIN_X - 8, PAGE_H, stroke=0, fill=1)
        c.setFillColor(colors.black)
        lp = left.pages[p] if p < len(left.pages) else []
        rp = right.pages[p] if p < len(right.pages) else []
        if r.get("row_drawn"):
            # Interleave: line i of the sidebar, then line i of the main column,
            # like table-based Word/HTML exports.
            order = []
            for i in range(max(len(lp), len(rp))):
                if i < len(lp):
                    order.append(lp[i])
                if i < len(rp):
                    order.append(rp[i])
        else:
            order = lp + rp   # column by column
        for x, y, text, font, size in order:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()


# ---------------------------------------------------------------------------
# DOCX (python-docx)
# ---------------------------------------------------------------------------

def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so output is byte-stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(r: dict, path: Path) -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Inches(0.8)
    sec.top_margin = sec.bottom_margin = Inches(0.7)

    # Contact line lives in the page header only.
    hp = sec.header.paragraphs[0]
    hp.text = f"{r['name']} | {r['email']} | {r['phone']} | {r['city']}"
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER

    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    tp = doc.add_paragraph()
    run = tp.add_run(r["title"])
    run.bold = True
    run.font.size = Pt(16)

    doc.add_heading("Summary", level=1)
    doc.add_paragraph(r["summary"])

    doc.add_heading("Skills", level=1)
    if r["skills_table"] == "cat2":
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for cat, items in r["skills"]:
            cells = table.add_row().cells
            cells[0].text = cat
            cells[0].paragraphs[0].runs[0].bold = True
            cells[1].text = items
    else:  # grid3: one column per category, items listed below its header
        cats = r["skills"]
        depth = max(len(items) for _, items in cats)
        table = doc.add_table(rows=1 + depth, cols=len(cats))
        table.style = "Table Grid"
        for j, (cat, items) in enumerate(cats):
            hdr = table.rows[0].cells[j]
            hdr.text = cat
            hdr.paragraphs[0].runs[0].bold = True
            for i, item in enumerate(items):
                table.rows[1 + i].cells[j].text = item

    doc.add_heading("Experience", level=1)
    for job in r["experience"]:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(0)
        p.add_run(job["role"]).bold = True
        p.add_run(f", {job['org']} — {job['place']}")
        d = doc.add_paragraph()
        d.paragraph_format.space_after = Pt(2)
        dr = d.add_run(job["dates"])
        dr.italic = True
        for b in job["bullets"]:
            doc.add_paragraph(b, style="List Bullet")

    doc.add_heading("Education", level=1)
    for ed in r["education"]:
        p = doc.add_paragraph()
        p.add_run(ed["degree"]).bold = True
        p.add_run(f" — {ed['school']}, {ed['dates']}")
        if ed.get("note"):
            doc.add_paragraph(ed["note"], style="List Bullet")

    if r.get("projects"):
        doc.add_heading("Projects", level=1)
        for pr in r["projects"]:
            p = doc.add_paragraph()
            p.add_run(pr["name"]).bold = True
            for b in pr["bullets"]:
                doc.add_paragraph(b, style="List Bullet")

    for head, lines in r.get("extra", []):
        doc.add_heading(head.title(), level=1)
        for line in lines:
            doc.add_paragraph(line, style="List Bullet")

    cp = doc.core_properties
    cp.author = r["name"]
    cp.last_modified_by = r["name"]
    cp.title = f"Resume – {r['name']}"
    cp.subject = r["title"]
    cp.comments = "Fictional example resume generated by examples/make_examples.py"
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE

    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------

def render_txt(r: dict, path: Path) -> None:
    out: list[str] = []
    out.append(r["name"].upper())
    out.append(r["title"])
    out.append(f"{r['email']} · {r['phone']} · {r['city']}")
    out.append("")
    out.append("SUMMARY")
    out.append("-------")
    out.append(r["summary"])
    out.append("")
    out.append("EXPERIENCE")
    out.append("----------")
    for job in r["experience"]:
        out.append(f"{job['role']}, {job['org']} ({job['place']})")
        out.append(job["dates"])
        for b in job["bullets"]:
            out.append(f"  • {b}")
        out.append("")
    out.append("EDUCATION")
    out.append("---------")
    for ed in r["education"]:
        out.append(f"{ed['degree']} – {ed['school']}, {ed['dates']}")
    out.append("")
    out.append("SKILLS")
    out.append("------")
    for cat, items in r["skills"]:
        out.append(f"{cat}: {', '.join(items)}")
    if r.get("projects"):
        out.append("")
        out.append("PROJECTS")
        out.append("--------")
        for pr in r["projects"]:
            out.append(pr["name"])
            for b in pr["bullets"]:
                out.append(f"  • {b}")
    out.append("")
    path.write_text("\n".join(out), encoding="utf-8", newline="\n")


def render_html(r: dict, path: Path) -> None:
    """A single-page HTML resume, as exported by website builders."""
    from html import escape

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(r['name'])}</title>",
        "<style>body{font-family:sans-serif;max-width:46em} .kw{color:#fff;font-size:1px}</style>",
        "</head><body>",
        f"<h1>{escape(r['name'])}</h1>",
        f"<p>{escape(r['title'])}</p>",
        f"<p>{escape(r['email'])} · {escape(r['phone'])} · {escape(r['city'])}</p>",
        "<h2>Summary</h2>",
        f"<p>{escape(r['summary'])}</p>",
        "<h2>Experience</h2>",
    ]
    for job in r["experience"]:
        out.append(f"<h3>{escape(job['role'])}, {escape(job['org'])} ({escape(job['place'])})</h3>")
        out.append(f"<p>{escape(job['dates'])}</p><ul>")
        out.extend(f"<li>{escape(b)}</li>" for b in job["bullets"])
        out.append("</ul>")
    out.append("<h2>Education</h2>")
    for ed in r["education"]:
        out.append(f"<p>{escape(ed['degree'])} – {escape(ed['school'])}, {escape(ed['dates'])}</p>")
    out.append("<h2>Skills</h2><ul>")
    out.extend(f"<li>{escape(cat)}: {escape(', '.join(items))}</li>" for cat, items in r["skills"])
    out.append("</ul>")
    if r.get("hidden"):
        out.append(f'<p style="color:#ffffff;font-size:1px">{escape(r["hidden"])}</p>')
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")


# ---------------------------------------------------------------------------

RENDERERS = {
    "pdf": render_pdf,
    "twocol": render_twocol,
    "docx": render_docx,
    "txt": render_txt,
    "html": render_html,
}


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    names = [r["file"] for r in RESUMES]
    assert len(names) == len(set(names)), "duplicate file names"
    for r in RESUMES:
        assert r["tier"] in ("strong", "partial", "unrelated")
        assert r["tier"] not in r["file"]
        RENDERERS[r["fmt"]](r, OUT_DIR / r["file"])
        print(f"wrote {r['file']}")
    with open(OUT_DIR.parent / "expected.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "tier"])
        for r in sorted(RESUMES, key=lambda x: x["file"]):
            w.writerow([r["file"], r["tier"]])
    print(f"wrote expected.csv ({len(RESUMES)} resumes)")


if __name__ == "__main__":
    main()
